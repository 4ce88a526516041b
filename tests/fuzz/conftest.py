


def pytest_terminal_summary(terminalreporter):
    try:
        from fuzz_helpers import OUTCOMES, PEAK_BYTES
    except ImportError:
        return
    if not OUTCOMES:
        return
    terminalreporter.write_sep("-", f"fuzz outcomes (peak allocation bound {PEAK_BYTES >> 20} MiB)")
    for loader, counts in sorted(OUTCOMES.items()):
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        terminalreporter.write_line(f"{loader}: {sum(counts.values())} mutants ({parts})")
