"""Queueing formulas for staffing: Erlang C (M/M/n) and Erlang A (M/M/n+M).

Everything is computed with recurrences on ratios, never factorials or powers, so loads of
thousands of Erlangs stay finite and exact to double precision:

- Erlang B by ``B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))``;
- Erlang C from Erlang B: ``C = n B / (n - a (1 - B))``;
- Erlang A from the birth-death chain of the number in system, with probabilities taken
  relative to the state "all n agents busy, nobody waiting" (whose share of the states up to n
  is exactly Erlang B), and the wait of an arriving contact by uniformisation of the chain of
  "contacts still ahead of it".

Times are in seconds throughout; rates are per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

_TAIL_EPS = 1e-15  # Erlang A: stop summing the queue once a term is this small relative to the sum
MAX_LOAD = 1_000_000.0  # Erlangs: far beyond any contact center, and bounds the work done
_MAX_QUEUE = 2_000_000  # Erlang A: longest queue the chain is summed to


class StaffingError(ValueError):
    """Inputs no number of agents can satisfy, or that make no sense."""


@dataclass(frozen=True)
class Metrics:
    """What a queue with a given number of agents delivers.

    ``service_level`` is the share of all offered contacts answered within the target time
    (contacts that abandon count as not answered); ``asa_seconds`` is the mean time in queue of
    all offered contacts (zero for those answered at once; for Erlang A, abandoned contacts
    count with the time they waited); ``occupancy`` is the share of agent time spent handling
    contacts; ``abandonment`` is the share of offered contacts that hang up before an answer
    (always 0 for Erlang C); ``p_wait`` is the probability a contact has to wait at all.
    """

    agents: int
    service_level: float
    asa_seconds: float
    occupancy: float
    abandonment: float
    p_wait: float


def offered_load(arrivals_per_hour: float, aht_seconds: float) -> float:
    """The offered load in Erlangs: arrivals per second times the mean handle time."""
    _check_positive(arrivals_per_hour=arrivals_per_hour, aht_seconds=aht_seconds)
    load = arrivals_per_hour / 3600.0 * aht_seconds
    if load > MAX_LOAD:
        raise StaffingError(f"offered load {load:.0f} Erlangs is above {MAX_LOAD:.0f}")
    return load


def erlang_b(agents: int, load: float) -> float:
    """Probability that all ``agents`` are busy in a loss system offered ``load`` Erlangs."""
    if agents < 0:
        raise StaffingError("agents must be >= 0")
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
        if b == 0.0:  # underflow: every further step stays 0
            break
    return b


def _erlang_c_from_b(agents: int, load: float, b: float) -> float:
    if agents <= load:
        return 1.0
    return agents * b / (agents - load * (1.0 - b))


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact waits in M/M/n (1 when the queue is unstable, n <= a)."""
    return _erlang_c_from_b(agents, load, erlang_b(agents, load))


def _c_metrics(
    agents: int, load: float, c: float, aht_seconds: float, target_seconds: float
) -> Metrics:
    if agents <= load:
        return Metrics(agents, 0.0, math.inf, 1.0, 0.0, 1.0)
    spare = agents - load
    sl = 1.0 - c * math.exp(-spare * target_seconds / aht_seconds)
    asa = c * aht_seconds / spare
    return Metrics(agents, sl, asa, load / agents, 0.0, c)


def erlang_c_metrics(
    agents: int, arrivals_per_hour: float, aht_seconds: float, target_seconds: float
) -> Metrics:
    """Service level, ASA, occupancy and P(wait) of M/M/n (no abandonment).

    Service level is ``1 - C(n, a) exp(-(n - a) T / AHT)``: the share of contacts whose wait
    is at most ``T``. An unstable queue (``n <= a``) has service level 0 and infinite ASA.
    """
    load = offered_load(arrivals_per_hour, aht_seconds)
    _check_agents(agents)
    _check_wait(target_seconds)
    c = erlang_c(agents, load)
    return _c_metrics(agents, load, c, aht_seconds, target_seconds)


def erlang_a_metrics(
    agents: int,
    arrivals_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float,
) -> Metrics:
    """Service level, ASA, occupancy, abandonment and P(wait) of M/M/n+M (Erlang A).

    Contacts arrive as a Poisson stream, handle times are exponential with mean
    ``aht_seconds`` and each waiting contact hangs up after an exponential patience with mean
    ``patience_seconds``. Definitions:

    - service level: answered within ``target_seconds`` divided by all offered contacts (a
      contact that abandons, before or after the target, counts as a failure);
    - ASA: mean time in queue over all offered contacts (``E[queue length] / arrival rate``);
    - abandonment: share of offered contacts that hang up (``E[queue] / (patience * rate)``);
    - occupancy: handled load ``a (1 - abandonment)`` divided by ``n``.
    """
    _check_agents(agents)
    load = offered_load(arrivals_per_hour, aht_seconds)
    _check_positive(patience_seconds=patience_seconds)
    _check_wait(target_seconds)
    if agents == 0:
        return Metrics(0, 0.0, patience_seconds, 0.0, 1.0, 1.0)
    lam = arrivals_per_hour / 3600.0
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    # log r_j with r_j = P(all busy, j waiting) / P(n in system, none waiting), j = 0, 1, ...
    log_ratios = _queue_log_ratios(lam, agents * mu, theta)
    b = erlang_b(agents, load)
    if b < 1e-300:  # so many agents that nobody ever waits
        return Metrics(agents, 1.0, 0.0, load / agents, 0.0, 0.0)
    top = float(log_ratios.max())
    weights = np.exp(log_ratios - top)
    # States below n: sum over k < n of P(k) / P(n) is 1/B - 1, scaled like the weights.
    below = math.exp(math.log1p(-b) - math.log(b) - top) if b < 1.0 else 0.0
    p_queue = weights / (below + float(weights.sum()))  # P(all busy, j waiting)
    p_wait = float(p_queue.sum())
    mean_queue = float(np.dot(np.arange(len(p_queue)), p_queue))
    abandonment = theta * mean_queue / lam
    answered_late = _not_answered_within(p_queue, agents * mu, theta, target_seconds)
    sl = 1.0 - answered_late
    occupancy = load * (1.0 - abandonment) / agents
    return Metrics(agents, sl, mean_queue / lam, min(occupancy, 1.0), abandonment, p_wait)


def _queue_log_ratios(lam: float, service_rate: float, theta: float) -> np.ndarray:
    """``log r_j``: ``r_0 = 1, r_j = r_{j-1} lam / (n mu + j theta)``, to a negligible tail."""
    # The terms grow while lam > n mu + j theta; past the peak they fall faster than geometric.
    peak = max(0, math.ceil((lam - service_rate) / theta))
    if peak > _MAX_QUEUE:
        raise StaffingError(
            "patience too long for so overloaded a queue (it would hold millions of waiting "
            "contacts): add agents, or use Erlang C"
        )
    out: list[float] = [0.0]
    log_term, log_top, j = 0.0, 0.0, 0
    log_lam, log_eps = math.log(lam), math.log(_TAIL_EPS)
    while True:
        j += 1
        log_term += log_lam - math.log(service_rate + j * theta)
        out.append(log_term)
        log_top = max(log_top, log_term)
        if j > peak and log_term - log_top < log_eps - 7.0:
            break
    return np.asarray(out)


def _not_answered_within(
    p_queue: np.ndarray, service_rate: float, theta: float, target: float
) -> float:
    """Probability an arrival is NOT answered within ``target`` (it waits longer, or abandons).

    An arrival that finds ``j`` waiting has ``j`` contacts ahead. With ``i`` ahead, the next
    one leaves (answered or abandoned) at rate ``n mu + i theta``; with none ahead, the arrival
    is answered at rate ``n mu``; it abandons itself at rate ``theta`` throughout. The chain is
    solved by uniformisation: nonnegative sums only, so it is stable.
    """
    if not len(p_queue) or p_queue.sum() == 0.0:
        return 0.0
    size = len(p_queue)
    ahead = np.arange(size, dtype=float)
    progress = service_rate + ahead * theta  # rate of moving one place up (or being answered)
    uniform = float(progress[-1] + theta)
    stay = 1.0 - (progress + theta) / uniform
    move = progress / uniform
    x = p_queue.astype(float).copy()
    waiting = float(x.sum())
    mean_jumps = uniform * target
    if mean_jumps <= 1e-300:  # no time to answer anyone
        return waiting
    k_max = int(mean_jumps + 12.0 * math.sqrt(mean_jumps) + 30)
    log_w = -mean_jumps  # Poisson(mean_jumps) weights, iterated in log space
    answered_so_far = 0.0  # mass absorbed as "answered" after k jumps
    answered_by_target = 0.0
    weight_seen = 0.0
    for k in range(k_max + 1):
        w = math.exp(log_w)
        weight_seen += w
        answered_by_target += w * answered_so_far
        if x.sum() < 1e-15 * waiting:  # every contact has left: the rest of the weight
            answered_by_target += max(0.0, 1.0 - weight_seen) * answered_so_far
            break
        answered_so_far += float(x[0] * move[0])
        nxt = x * stay
        nxt[:-1] += x[1:] * move[1:]
        x = nxt
        log_w += math.log(mean_jumps) - math.log(k + 1)
    return max(0.0, waiting - answered_by_target)


def staff_erlang_c(
    arrivals_per_hour: float,
    aht_seconds: float,
    target_seconds: float,
    target_level: float,
    max_occupancy: float = 1.0,
) -> Metrics:
    """The least agents whose M/M/n service level reaches ``target_level``.

    One pass of the Erlang B recurrence up the agent counts: O(answer) steps, no search.
    """
    load = offered_load(arrivals_per_hour, aht_seconds)
    _check_targets(target_seconds, target_level, max_occupancy)
    b = 1.0
    n = 0
    while True:
        n += 1
        b = load * b / (n + load * b)
        if n <= load or load / n > max_occupancy:
            continue
        c = _erlang_c_from_b(n, load, b)
        metrics = _c_metrics(n, load, c, aht_seconds, target_seconds)
        if metrics.service_level >= target_level:
            return metrics


def staff_erlang_a(
    arrivals_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float,
    target_level: float,
    max_occupancy: float = 1.0,
    max_abandonment: float = 1.0,
) -> Metrics:
    """The least agents whose M/M/n+M service level, occupancy and abandonment meet targets.

    With abandonment the queue is stable at any staffing, so the answer can be below the
    offered load. Service level rises and abandonment falls with agents, so a doubling search
    brackets the answer and bisection finds it.
    """
    _check_targets(target_seconds, target_level, max_occupancy)
    if not 0.0 <= max_abandonment <= 1.0:
        raise StaffingError("max abandonment must be between 0 and 1")
    load = offered_load(arrivals_per_hour, aht_seconds)

    def evaluate(n: int) -> Metrics:
        return erlang_a_metrics(n, arrivals_per_hour, aht_seconds, patience_seconds, target_seconds)

    def ok(m: Metrics) -> bool:
        return (
            m.service_level >= target_level
            and m.abandonment <= max_abandonment
            and m.occupancy <= max_occupancy
        )

    low, high = 0, max(1, math.ceil(load))
    best = evaluate(high)
    while not ok(best):
        low, high = high, high * 2
        best = evaluate(high)
    while high - low > 1:
        mid = (low + high) // 2
        try:
            m = evaluate(mid)
        except StaffingError:  # hopelessly overloaded: too few agents
            low = mid
            continue
        if ok(m):
            high, best = mid, m
        else:
            low = mid
    return best


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` are available after ``shrinkage`` (0 <= s < 1).

    Shrinkage is the share of paid time not spent available for contacts: breaks, training,
    meetings, absence.
    """
    if not 0.0 <= shrinkage < 1.0:
        raise StaffingError("shrinkage must be in [0, 1)")
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


def agents_for_slots(slots: int, concurrency: int) -> int:
    """Agents needed when each handles ``concurrency`` chats at once.

    The queueing model treats each chat slot as a server whose mean handle time is the
    handle time observed at that concurrency; agents are the slots divided up.
    """
    if concurrency < 1:
        raise StaffingError("concurrency must be >= 1")
    return -(-slots // concurrency)


def _check_positive(**values: float) -> None:
    for name, value in values.items():
        if not (value > 0 and math.isfinite(value)):
            raise StaffingError(f"{name.replace('_', ' ')} must be a positive number")


def _check_agents(agents: int) -> None:
    if agents < 0:
        raise StaffingError("agents must be >= 0")


def _check_wait(target_seconds: float) -> None:
    if not (target_seconds >= 0 and math.isfinite(target_seconds)):
        raise StaffingError("target seconds must be >= 0")


def _check_targets(target_seconds: float, target_level: float, max_occupancy: float) -> None:
    _check_wait(target_seconds)
    if not 0.0 < target_level < 1.0:
        raise StaffingError("target level must be strictly between 0 and 1")
    if not 0.0 < max_occupancy <= 1.0:
        raise StaffingError("max occupancy must be in (0, 1]")
