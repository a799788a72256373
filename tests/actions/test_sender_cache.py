from kefu.actions.sender_cache import SenderCache


def test_free_senders_are_remembered_for_the_ttl_only() -> None:
    now = [100.0]
    cache = SenderCache(ttl=2.0, clock=lambda: now[0])
    assert not cache.known_free(7)
    cache.remember_free(7)
    assert cache.known_free(7)
    now[0] += 1.99
    assert cache.known_free(7)
    now[0] += 0.01
    assert not cache.known_free(7)  # expired: the next message reads the database again
    cache.remember_free(7)
    cache.forget(7)  # a restriction changed in this process
    assert not cache.known_free(7)
