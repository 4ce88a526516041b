"""tf.train.Example and friends as protobuf messages.

The `tensorboard` package ships TensorFlow's protos but not example.proto, so the messages
are declared here through protobuf's descriptor API, with TensorFlow's package, message
names and field numbers: the wire format is TensorFlow's, byte for byte. They live in a
private descriptor pool, so they never clash with TensorFlow's own if it is imported too.
"""
_CLASSES = None

_LABEL = {"optional": 1, "repeated": 3}
_TYPE = {"bytes": 12, "float": 2, "int64": 3, "string": 9, "message": 11}


def _field(msg, name, number, kind, label="optional", type_name=None, oneof=None):
    f = msg.field.add(name=name, number=number, label=_LABEL[label], type=_TYPE[kind])
    if type_name:
        f.type_name = type_name
    if oneof is not None:
        f.oneof_index = oneof
    return f


def _map_field(msg, name, value_type):
    entry = msg.nested_type.add(name=name[0].upper() + name[1:].replace("_l", "L") + "Entry")
    entry.options.map_entry = True
    _field(entry, "key", 1, "string")
    _field(entry, "value", 2, "message", type_name=value_type)
    _field(msg, name, 1, "message", "repeated", f".tensorflow.{msg.name}.{entry.name}")


def _build():
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    fdp = descriptor_pb2.FileDescriptorProto(name="ndflow/io/example.proto",
                                             package="tensorflow", syntax="proto3")
    for name, kind in (("BytesList", "bytes"), ("FloatList", "float"), ("Int64List", "int64")):
        m = fdp.message_type.add(name=name)
        _field(m, "value", 1, kind, "repeated")
    m = fdp.message_type.add(name="Feature")
    m.oneof_decl.add(name="kind")
    _field(m, "bytes_list", 1, "message", type_name=".tensorflow.BytesList", oneof=0)
    _field(m, "float_list", 2, "message", type_name=".tensorflow.FloatList", oneof=0)
    _field(m, "int64_list", 3, "message", type_name=".tensorflow.Int64List", oneof=0)
    _map_field(fdp.message_type.add(name="Features"), "feature", ".tensorflow.Feature")
    m = fdp.message_type.add(name="FeatureList")
    _field(m, "feature", 1, "message", "repeated", ".tensorflow.Feature")
    _map_field(fdp.message_type.add(name="FeatureLists"), "feature_list",
               ".tensorflow.FeatureList")
    m = fdp.message_type.add(name="Example")
    _field(m, "features", 1, "message", type_name=".tensorflow.Features")
    m = fdp.message_type.add(name="SequenceExample")
    _field(m, "context", 1, "message", type_name=".tensorflow.Features")
    _field(m, "feature_lists", 2, "message", type_name=".tensorflow.FeatureLists")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    names = ("BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
             "FeatureLists", "Example", "SequenceExample")
    return {n: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{n}"))
            for n in names}


def classes():
    """{name: message class} for Example, SequenceExample, Features, Feature, the lists."""
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _build()
    return _CLASSES


def __getattr__(name):
    c = classes()
    if name in c:
        return c[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
