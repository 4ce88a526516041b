"""A small Graphviz DOT document: nodes and edges in, DOT text out, rendered with the
`graphviz` Python package (which needs the `dot` program) to SVG/PNG/PDF.

The DOT text needs nothing installed; rendering needs `pip install graphviz` and the Graphviz
programs (`apt-get install graphviz`, `brew install graphviz`, `conda install graphviz`).
"""
import html
import os

FONT = "Helvetica"


def escape(text):
    """Text made safe inside an HTML-like DOT label."""
    return html.escape(str(text), quote=True)


def _attr_list(attrs):
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        value = str(value)
        if value.startswith("<") and value.endswith(">"):  # an HTML-like label
            parts.append(f"{key}={value}")
        else:
            parts.append(f'{key}="{_quote(value)}"')
    return ", ".join(parts)


def _quote(value):
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class DotGraph:
    """A directed graph picture. In Jupyter it shows itself (`_repr_svg_`); `save(path)` writes
    .png/.svg/.pdf/.jpg (rendered) or .dot/.gv (the DOT text)."""

    def __init__(self, name="G", rankdir="TB", dpi=96, graph_attrs=None):
        self.name = name
        self.graph_attrs = {"rankdir": rankdir, "dpi": dpi, "fontname": FONT,
                            "nodesep": "0.3", "ranksep": "0.35", "bgcolor": "white"}
        self.graph_attrs.update(graph_attrs or {})
        self._nodes = []   # (id, attrs)
        self._edges = []   # (tail, head, attrs)

    def node(self, node_id, **attrs):
        self._nodes.append((str(node_id), attrs))

    def edge(self, tail, head, **attrs):
        self._edges.append((str(tail), str(head), attrs))

    @property
    def node_ids(self):
        return [n for n, _ in self._nodes]

    @property
    def edges(self):
        return [(t, h) for t, h, _ in self._edges]

    @property
    def source(self):
        lines = [f'digraph "{_quote(self.name)}" {{']
        lines.append(f"  graph [{_attr_list(self.graph_attrs)}];")
        lines.append(f'  node [fontname="{FONT}", fontsize=11, shape=box, style="rounded,filled", '
                     'fillcolor="#eef3fb", color="#5b7bb2", margin="0.12,0.05"];')
        lines.append(f'  edge [fontname="{FONT}", fontsize=9, color="#555555", arrowsize=0.7];')
        for node_id, attrs in self._nodes:
            lines.append(f'  "{_quote(node_id)}" [{_attr_list(attrs)}];')
        for tail, head, attrs in self._edges:
            extra = f" [{_attr_list(attrs)}]" if attrs else ""
            lines.append(f'  "{_quote(tail)}" -> "{_quote(head)}"{extra};')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_string(self):  # pydot's spelling, which Keras users call on model_to_dot's result
        return self.source

    def __str__(self):
        return self.source

    # --- rendering ------------------------------------------------------------------------
    def create(self, prog="dot", format="svg", encoding=None):
        """The picture as bytes in `format` ('svg', 'png', 'pdf', 'jpg')."""
        graphviz = _graphviz_module()
        try:
            return graphviz.Source(self.source, engine=prog).pipe(format=format)
        except graphviz.ExecutableNotFound as e:
            raise ImportError(_NO_DOT_MESSAGE) from e

    def save(self, path):
        """Writes the picture; the extension picks the format (.dot/.gv: the DOT text)."""
        path = os.fspath(path)
        extension = os.path.splitext(path)[1].lower().lstrip(".") or "png"
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if extension in ("dot", "gv"):
            data = self.source.encode("utf-8")
        else:
            data = self.create(format="jpg" if extension == "jpeg" else extension)
        with open(path, "wb") as f:
            f.write(data)
        return path

    write = save

    def _repr_svg_(self):
        try:
            return self.create(format="svg").decode("utf-8")
        except ImportError:
            return None  # Jupyter then falls back to the text form

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = self._repr_svg_()
        bundle = {"text/plain": self.source}
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle


_NO_DOT_MESSAGE = ("Rendering a graph picture needs the Graphviz `dot` program, which was not "
                   "found on PATH. Install Graphviz (`apt-get install graphviz`, "
                   "`brew install graphviz` or `conda install graphviz`), or save the DOT text "
                   "with a .dot file name instead.")


def _graphviz_module():
    try:
        import graphviz
    except ImportError as e:
        raise ImportError("Rendering a graph picture needs the `graphviz` Python package: "
                          "`pip install graphviz` (and the Graphviz programs: `apt-get install "
                          "graphviz`). Save to a .dot file name to get the DOT text without "
                          "it.") from e
    return graphviz


def can_render():
    """True when the graphviz package and the `dot` program are both available."""
    try:
        import shutil
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None
