"""The collector's policy of a serving process (portal.serving): what the start made is frozen, a start-up
cycle that is already garbage is freed first, and what the first full passes leave alive is frozen too, a
bounded number of times."""
import gc
import weakref

import pytest

from portal import serving


@pytest.fixture
def collector():
    """The collector as it was before the test, put back afterwards: thresholds, callbacks, nothing frozen."""
    thresholds, callbacks = gc.get_threshold(), list(gc.callbacks)
    gc.unfreeze()
    yield
    gc.callbacks[:] = callbacks
    gc.set_threshold(*thresholds)
    gc.unfreeze()


class Node:
    pass


def test_the_policy_freezes_what_exists_and_sets_the_thresholds(collector):
    alive = [[] for _ in range(1000)]  # containers the start keeps
    serving.settle_collector()
    assert gc.get_threshold() == serving.THRESHOLDS
    assert gc.get_freeze_count() >= len(alive)
    assert gc.isenabled()


def test_a_start_up_cycle_that_is_garbage_is_freed_not_frozen(collector):
    node = Node()
    node.itself = node
    gone = weakref.ref(node)
    del node
    serving.settle_collector()
    assert gone() is None


def test_what_the_first_full_passes_leave_alive_is_frozen_then_at_doublings(collector):
    serving.settle_collector()
    kept = []  # what requests after the start made and the process keeps
    for passes in range(1, 65):
        frozen = gc.get_freeze_count()
        kept.append([[] for _ in range(100)])
        gc.collect()  # a full pass
        if passes <= serving.REFREEZE_PASSES or passes in (32, 64):
            assert gc.get_freeze_count() >= frozen + 100, passes
        else:
            assert gc.get_freeze_count() == frozen, passes


def test_the_refreezes_are_few():
    assert sum(serving.refreezes_after(n) for n in range(1, 1_000_001)) == serving.REFREEZE_PASSES + 15


def test_applying_it_twice_adds_no_second_callback(collector):
    serving.settle_collector()
    serving.settle_collector()
    assert gc.callbacks.count(serving._freeze_after_full_pass) == 1
