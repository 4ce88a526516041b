"""tf.compat.v1.app and tf.compat.v1.flags: the command-line flags TF1 scripts define.

    flags = tf.app.flags
    flags.DEFINE_integer("batch_size", 128, "Examples per step.")
    FLAGS = flags.FLAGS

    def main(argv):
        print(FLAGS.batch_size)

    if __name__ == "__main__":
        tf.app.run()

As TensorFlow's wrapper of absl.flags does, reading a flag before anything parsed the command
line parses `sys.argv` then, ignoring arguments no flag claims (a notebook kernel's own), so
`FLAGS.x` works in scripts that never call `tf.app.run`. Accepted forms: `--name=value`,
`--name value`, and for booleans `--name`, `--noname`, `--name=false`.
"""
import sys
import types


class Error(Exception):
    """A flag definition or command line that cannot be used."""


class DuplicateFlagError(Error):
    """A flag of this name is already defined."""


class IllegalFlagValueError(Error):
    """A command-line value that does not parse as the flag's type or choices."""


class UnrecognizedFlagError(Error):
    """`--name` on an explicitly parsed command line that no flag claims."""


_TRUE, _FALSE = ("true", "t", "1", "yes", "y"), ("false", "f", "0", "no", "n")


def _boolean(text):
    low = str(text).strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"expected a boolean (true/false), got {text!r}")


def _string_list(text):
    if isinstance(text, (list, tuple)):
        return [str(v) for v in text]
    return [] if text == "" else [part.strip() for part in str(text).split(",")]


class _Flag:
    def __init__(self, name, default, help_text, parse, kind, choices=None):
        self.name, self.help, self.parse, self.kind, self.choices = (
            name, help_text, parse, kind, choices)
        self.default = None if default is None else self.convert(default, "default")
        self.value = self.default

    def convert(self, text, where):
        try:
            value = self.parse(text) if isinstance(text, str) or self.kind != "string" else text
        except (TypeError, ValueError) as err:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {err}") from None
        if self.choices is not None and value not in self.choices:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: value should be one of "
                                        f"<{'|'.join(self.choices)}> ({where})")
        return value


class FlagValues:
    """The defined flags and their values (`FLAGS`); attribute access reads a value."""

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    def _define(self, flag):
        if flag.name in self._flags:
            raise DuplicateFlagError(f"The flag '{flag.name}' is defined twice.")
        self._flags[flag.name] = flag

    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(f"Unknown command line flag '{name}'")
        if not self.__dict__["_parsed"]:
            self._parse(sys.argv[1:], known_only=True)
        return flags[name].value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise AttributeError(f"Unknown command line flag '{name}'")
        self._flags[name].value = value

    def __contains__(self, name):
        return name in self._flags

    def __call__(self, argv, known_only=False):
        """Parses `argv` (argv[0] is the program) and returns the arguments left over."""
        return [argv[0]] + self._parse(list(argv[1:]), known_only) if argv else []

    def _parse(self, args, known_only):
        rest, i = [], 0
        updates = {}
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i:])
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            name, has_value, text = arg.lstrip("-").partition("=")
            flag = self._flags.get(name)
            if flag is None and name.startswith("no") and not has_value:
                flag = self._flags.get(name[2:])
                if flag is not None and flag.kind == "bool":
                    updates[flag.name] = False
                    continue
                flag = None
            if flag is None:
                if not known_only:
                    raise UnrecognizedFlagError(f"Unknown command line flag '{name}'")
                rest.append(arg)
                continue
            if not has_value:
                if flag.kind == "bool":
                    updates[flag.name] = True
                    continue
                if i >= len(args):
                    raise IllegalFlagValueError(f"flag --{name}: a value is missing")
                text, i = args[i], i + 1
            updates[flag.name] = flag.convert(text, "command line")
        for name, value in updates.items():  # all or nothing: a bad flag changes none
            self._flags[name].value = value
        object.__setattr__(self, "_parsed", True)
        return rest

    def is_parsed(self):
        return self._parsed

    def mark_as_parsed(self):
        object.__setattr__(self, "_parsed", True)

    def flag_values_dict(self):
        """{name: value} for every defined flag."""
        return {name: flag.value for name, flag in self._flags.items()}

    def reset(self):
        """Forgets every flag (tests and notebooks that define flags again)."""
        self._flags.clear()
        object.__setattr__(self, "_parsed", False)


FLAGS = FlagValues()


def _definer(kind, parse):
    def define(name, default, help=None, flag_values=FLAGS, **kwargs):  # noqa: A002
        flag_values._define(_Flag(name, default, help, parse, kind))
    define.__name__ = f"DEFINE_{kind}"
    define.__doc__ = f"Defines a {kind} flag `--name` with a default and a help string."
    return define


DEFINE_string = _definer("string", str)
DEFINE_integer = _definer("integer", int)
DEFINE_float = _definer("float", float)
DEFINE_boolean = DEFINE_bool = _definer("bool", _boolean)
DEFINE_list = _definer("list", _string_list)


def DEFINE_enum(name, default, enum_values, help=None, flag_values=FLAGS, **kwargs):  # noqa: A002
    """Defines a string flag whose value must be one of `enum_values`."""
    flag_values._define(_Flag(name, default, help, str, "enum", tuple(enum_values)))


def run(main=None, argv=None):
    """Parses the command line into `FLAGS`, then calls `main(argv)` and exits with its result.

    Args:
      main: The function to run; by default the `main` of the `__main__` module.
      argv: The command line (default `sys.argv`).
    """
    argv = list(sys.argv if argv is None else argv)
    try:
        remaining = FLAGS(argv, known_only=True)
    except Error as err:
        sys.stderr.write(f"FATAL Flags parsing error: {err}\n")
        sys.exit(1)
    main = main or sys.modules["__main__"].main
    sys.exit(main(remaining))


flags = types.SimpleNamespace(
    FLAGS=FLAGS, FlagValues=FlagValues, DEFINE_string=DEFINE_string,
    DEFINE_integer=DEFINE_integer, DEFINE_float=DEFINE_float, DEFINE_boolean=DEFINE_boolean,
    DEFINE_bool=DEFINE_bool, DEFINE_list=DEFINE_list, DEFINE_enum=DEFINE_enum, Error=Error,
    DuplicateFlagError=DuplicateFlagError, IllegalFlagValueError=IllegalFlagValueError,
    UnrecognizedFlagError=UnrecognizedFlagError)
