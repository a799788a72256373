"""Routing: who answers which waiting customer, when, and how long the customer will wait.

Pure policy, no I/O. Times inside the routing core are float seconds (any epoch), so a decision
over thousands of waiting tickets stays within a couple of milliseconds; schedules and SLA clocks
work on aware datetimes.

- `skills`: routing skills and the intent → skill hook.
- `model`: waiting tickets, agents, the weights of the policy; eligibility.
- `priority`: the score of a waiting ticket (tier-rated aging plus SLA urgency).
- `queue`: waiting tickets indexed for "best ticket for this agent" (pull).
- `agents`: agents indexed for "best agent for this ticket" (push) and re-routing.
- `schedule`: weekly hours in a time zone with exceptions and holidays (shifts and calendars).
- `coverage`: per-language support hours derived from shifts; fallbacks.
- `sla`: SLA policies and clocks over business-hours calendars.
- `estimate`: queue position and expected wait as a range.
- `simulation`: a contact-centre day to compare policies and check the estimates.
"""
