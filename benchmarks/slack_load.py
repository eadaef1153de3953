"""The load of the Slack ack benchmark (benchmarks/slack_ack.py): signed /task requests, C at a
time, each from a writer of its own, sent from Python (aiohttp) or from C (wrk), and what one
app's run measured."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import tempfile
import time
from dataclasses import dataclass

import aiohttp

from tests.slack_fake import FakeSlack, payloads, signing

SECRET = "benchmark-signing-secret"


@dataclass
class Result:
    label: str
    latencies: list[float]
    seconds: float
    cards: tuple[int, float] | None = None  # delivered, seconds from the first request
    cpu: float = (
        0.0  # the app's CPU seconds (all its threads) from the first request to the last ack
    )
    cards_cpu: float = 0.0  # and from the last ack to the last card

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _bodies(fake: FakeSlack, writers: str, count: int) -> list[str]:
    """`count` /task commands, each from a writer of its own (with its response_url)."""
    bodies = []
    for n in range(count):
        user = f"U{writers}{n:06d}"
        response_url = fake.issue_response_url(user, "C0WRITERS")
        bodies.append(payloads.slash_command("/task", "", user, "C0WRITERS", response_url))
    return bodies


async def _warm_up(session: aiohttp.ClientSession, url: str, fake: FakeSlack, writers: str) -> None:
    """One request first, so bolt's one-time auth.test is not in the figures."""
    warmup = fake.issue_response_url(f"U{writers}WARMUP", "C0WRITERS")
    body = payloads.slash_command("/task", "", f"U{writers}WARMUP", "C0WRITERS", warmup)
    await _one(session, url, body, [], [])


async def load(
    label: str, url: str, fake: FakeSlack, requests: int, concurrency: int, writers: str
) -> Result:
    bodies = _bodies(fake, writers, requests)
    latencies: list[float] = []
    failures: list[int] = []
    queue = iter(bodies)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await _warm_up(session, url, fake, writers)

        async def worker() -> None:
            for body in queue:
                await _one(session, url, body, latencies, failures)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    if failures:
        print(f"  {label}: {len(failures)} requests failed (statuses {sorted(set(failures))})")
    return Result(label, latencies, seconds)


# wrk (Debian's package) sends the same requests from C: a load generator that costs the shared
# CPUs far less than Python's, so the apps' latency is less the generator's. Each connection
# sends its next request as its last answer arrives (C at once). At the N-th answer the script
# says so and the benchmark interrupts wrk (SIGINT), which then reports its elapsed time and the
# latency of every answer (the histogram's buckets, a microsecond apart).
_WRK_SCRIPT = """
local bodies = {{ {bodies} }}
local stamps = {{ {stamps} }}
local signatures = {{ {signatures} }}
local prepared, sent, answered, wanted = {{}}, 0, 0, {wanted}
function init(args)
  for i, body in ipairs(bodies) do
    prepared[i] = wrk.format("POST", "{path}", {{
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Slack-Request-Timestamp"] = stamps[i],
      ["X-Slack-Signature"] = signatures[i],
    }}, body)
  end
end
function request()
  sent = sent + 1
  return prepared[(sent - 1) % #prepared + 1]
end
function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then io.stderr:write("status " .. status .. "\\n") end
  if answered == wanted then io.write("ANSWERED\\n"); io.flush() end
end
function done(summary, latency, requests)
  local buckets = {{}}
  for i = 1, #latency do
    local value, count = latency(i)
    buckets[#buckets + 1] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format('WRK {{"requests":%d,"micros":%d,"non2xx":%d,"buckets":[%s]}}\\n',
    summary.requests, summary.duration, summary.errors.status, table.concat(buckets, ",")))
end
"""


def _lua_text(text: str) -> str:
    return "[==[" + text + "]==]"


async def load_wrk(
    label: str, url: str, fake: FakeSlack, requests: int, concurrency: int, writers: str
) -> Result:
    """The same load as `load`, sent by wrk: every request a writer of its own (N of them, and
    C more for those still in flight when the N-th answer stops the run)."""
    async with aiohttp.ClientSession() as session:
        await _warm_up(session, url, fake, writers)
    bodies, stamps, signatures = [], [], []
    for body in _bodies(fake, writers, requests + concurrency):
        signed = signing.sign(SECRET, body)
        bodies.append(_lua_text(body))
        stamps.append(_lua_text(signed["X-Slack-Request-Timestamp"]))
        signatures.append(_lua_text(signed["X-Slack-Signature"]))
    base, path = url.split("/slack/", 1)
    script = _WRK_SCRIPT.format(
        bodies=",".join(bodies),
        stamps=",".join(stamps),
        signatures=",".join(signatures),
        wanted=requests,
        path=f"/slack/{path}",
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        wrk = await asyncio.create_subprocess_exec(
            "wrk", "-t1", f"-c{concurrency}", "-d300s", "--timeout", "30s", "-s", file.name,
            f"{base}/slack/{path}",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert wrk.stdout is not None
        lines = []
        while line := (await wrk.stdout.readline()).decode():
            lines.append(line)
            if line.startswith("ANSWERED"):
                wrk.send_signal(signal.SIGINT)
        err = await wrk.stderr.read() if wrk.stderr else b""
        await wrk.wait()
    finally:
        os.unlink(file.name)
    out = "".join(lines).encode()
    found = [line for line in out.decode().splitlines() if line.startswith("WRK ")]
    if wrk.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({wrk.returncode}): {err.decode()[-500:]}")
    figures = json.loads(found[0][4:])
    if figures["non2xx"] or err.strip():
        print(f"  {label}: {figures['non2xx']} answers were not 200 ({err.decode()[-200:]})")
    latencies = [value / 1e6 for value, count in figures["buckets"] for _ in range(count)]
    return Result(label, latencies, figures["micros"] / 1e6)


async def _one(session, url, body, latencies, failures) -> None:  # type: ignore[no-untyped-def]
    headers = {**signing.sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"}
    started = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as answer:
        await answer.read()
        if answer.status != 200:
            failures.append(answer.status)
    latencies.append(time.perf_counter() - started)
