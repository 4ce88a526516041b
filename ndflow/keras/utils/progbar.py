"""keras.utils.Progbar: Keras 3's progress bar.

verbose=1 redraws one line in place:
    `1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 1ms/step - accuracy: 0.9123 - loss: 0.2871`
(time left while running, total time when finished); verbose=2 prints only the final line:
    `1875/1875 - 3s - 1ms/step - accuracy: 0.9123 - loss: 0.2871`.
Colours are written only to a terminal, so logs and captured output stay plain.
"""
import math
import sys
import time

_BAR = "\u2501"  # ━


def _format_seconds(seconds):
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{(seconds % 3600) // 60:02d}:{seconds % 60:02d}"
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


def _format_rate(time_per_unit, unit_name):
    if time_per_unit >= 1 or time_per_unit == 0:
        return f"{time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f"{time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f"{time_per_unit * 1e6:.0f}us/{unit_name}"


def _format_value(value):
    if isinstance(value, (int, float)) or hasattr(value, "__float__"):
        value = float(value)
        return f"{value:.4f}" if abs(value) > 1e-3 or value == 0 else f"{value:.4e}"
    return str(value)


class Progbar:
    """Progress bar over `target` steps (None: unknown).

    Metrics named in `stateful_metrics` are shown as given; the others are averaged over the
    steps seen, weighted by the step sizes (Keras's behaviour).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step", stream=None):
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self.stream = stream
        self._values = {}          # name -> [weighted sum, weight] or value (stateful)
        self._order = []
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._prev_width = 0

    def _out(self):
        return self.stream if self.stream is not None else sys.stdout

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            if name not in self._order:
                self._order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = value
            else:
                steps = max(current - self._seen_so_far, 1)
                total, count = self._values.get(name, (0.0, 0))
                self._values[name] = (total + float(value) * steps, count + steps)
        self._seen_so_far = current
        now = time.time()
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            self._last_update = now
            self._write_live(current, now, finalize)
        elif self.verbose == 2 and finalize:
            self._write_line(current, now)

    @property
    def metric_names(self):
        return list(self._order)

    def order_metrics(self, names):
        """Shows the metrics in the order of `names` (others after them)."""
        self._order = list(names) + [n for n in self._order if n not in names]

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _metrics_text(self):
        parts = []
        for name in self._order:
            if name not in self._values:
                continue
            value = self._values[name]
            if name not in self.stateful_metrics:
                total, count = value
                value = total / max(count, 1)
            parts.append(f" - {name}: {_format_value(value)}")
        return "".join(parts)

    def _counter(self, current):
        if self.target is None:
            return f"{current}/Unknown"
        digits = int(math.log10(self.target)) + 1 if self.target > 0 else 1
        return f"{current:{digits}d}/{self.target}"

    def _write_live(self, current, now, finalize):
        out = self._out()
        tty = hasattr(out, "isatty") and out.isatty()
        text = self._counter(current)
        if tty:
            text = f"\x1b[1m{text}\x1b[0m"
        if self.target is not None:
            filled = min(int(self.width * current / self.target), self.width) \
                if self.target else self.width
            if tty:
                text += f" \x1b[32m{_BAR * filled}\x1b[0m\x1b[37m{_BAR * (self.width - filled)}" \
                        "\x1b[0m"
            else:
                text += " " + _BAR * self.width if finalize else " " + _BAR * filled + \
                    " " * (self.width - filled)
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        if finalize or self.target is None:
            shown = elapsed
        else:
            shown = per_unit * (self.target - current)
        text += f" {_format_seconds(shown)} {_format_rate(per_unit, self.unit_name)}"
        text += self._metrics_text()
        padding = max(self._prev_width - len(text), 0)
        self._prev_width = len(text)
        out.write("\r" + text + " " * padding + ("\n" if finalize else ""))
        out.flush()

    def _write_line(self, current, now):
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        text = (f"{self._counter(current)} - {_format_seconds(elapsed)} - "
                f"{_format_rate(per_unit, self.unit_name)}{self._metrics_text()}")
        out = self._out()
        out.write(text + "\n")
        out.flush()
