"""How a process that serves requests treats Python's cyclic garbage collector (wsgi.py, once the app is made).

Reference counting frees almost everything a request makes; the cyclic collector is for cycles (a dashboard
request leaves some 7,000 objects in them: its SQL expression trees) and walks, at each pass, every object of
the generations it collects. Its full passes were what stalled requests: a pass over every object the process
holds. Measured on the dashboard at a million tickets (PostgreSQL, 2 cores, 500-1,000 requests rotating over
the 19 filter combinations of tests/bench/test_dashboard_bench.py):

- nothing frozen: a full pass about one request in ten, over some 800,000 objects;
- the start frozen (gc.freeze: what exists is left out of every later pass): the full passes still walked
  ~450,000 objects, up to 218 ms, about one request in twelve: what the first requests build and keep for
  the life of the process (compiled templates and statements, catalogs, drawn charts) is made after the start;
- frozen again after the first full passes (below): ~10,000 objects left to walk, full passes 21 ms (median)
  and 40 ms at most, young and middle passes under 6 ms; the size of the process did not move (300 MB);
- the young generation's threshold raised from 700 to 100,000 (with or without the above): each young pass
  then walks the objects of the request in flight, 52 ms median and up to 104 ms, one request in eighteen,
  and the middle passes took up to 414 ms; (100,000, 50, 1,000) grew the process by 90 MB in 1,000
  requests. So the thresholds stay CPython's own.

So: what the start left as garbage is collected, the rest frozen; then, after each of the first
REFREEZE_PASSES full passes, and after the 32nd, 64th, 128th... (caches keep growing with the filters and
pages asked for), what exists is frozen again. That is free (freezing moves lists; no extra pass: every
unreachable object was just freed, what is left is alive) and bounded for memory: frozen objects are still
freed by reference counting; only a cycle that was alive at one of those moments (the request in flight's, some
7,000 small objects) and becomes garbage later is never collected: a few MB once per process, then a MB at each
doubling of its full passes (a worker serving a million dashboards makes some 125,000: 12 doublings)."""
import gc

THRESHOLDS = (700, 10, 10)
REFREEZE_PASSES = 20

_full_passes = {"count": 0}


def settle_collector() -> None:
    """Collect what the start left, freeze the rest, and freeze again after the first full passes."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _full_passes["count"] = 0
    if _freeze_after_full_pass not in gc.callbacks:
        gc.callbacks.append(_freeze_after_full_pass)


def refreezes_after(passes: int) -> bool:
    """Whether what the full pass numbered `passes` left alive is frozen: the first ones, then at doublings."""
    return passes <= REFREEZE_PASSES or passes & (passes - 1) == 0


def _freeze_after_full_pass(phase: str, info: dict) -> None:
    if phase == "stop" and info["generation"] == 2:
        _full_passes["count"] += 1
        if refreezes_after(_full_passes["count"]):
            gc.freeze()
