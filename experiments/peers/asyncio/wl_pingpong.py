"""pingpong on asyncio: the price of one wake-up
(common/workloads/pingpong.c).  Two tasks pass a number back and forth
and the pinger times each round trip.  mode=future: each message is a
fresh future the other side awaits, carrying the future for the reply
and the one for the next ping; mode=queue: two asyncio.Queue of one
slot.  The ponger adds one, so every reply is checked."""

import asyncio
import time


async def ponger_future(rounds, ping):
    for _ in range(rounds):
        value, pong, ping = await ping
        pong.set_result(value + 1)


async def ponger_queue(rounds, to_ponger, to_pinger):
    for _ in range(rounds):
        await to_pinger.put(await to_ponger.get() + 1)


async def run(rec, p):
    rounds, future_mode = p["rounds"], p["mode"] == "future"
    loop = asyncio.get_running_loop()
    samples = rec.hist("round_trip")
    if future_mode:
        ping = loop.create_future()
        ponger = asyncio.create_task(ponger_future(rounds, ping))
    else:
        to_ponger, to_pinger = asyncio.Queue(1), asyncio.Queue(1)
        ponger = asyncio.create_task(ponger_queue(rounds, to_ponger,
                                                  to_pinger))
    good = 0
    t0 = time.monotonic_ns()
    for r in range(rounds):
        s = time.monotonic_ns()
        if future_mode:
            pong, next_ping = loop.create_future(), loop.create_future()
            ping.set_result((r, pong, next_ping))
            ping = next_ping
            reply = await pong
        else:
            await to_ponger.put(r)
            reply = await to_pinger.get()
        samples.append(time.monotonic_ns() - s)
        good += reply == r + 1
    elapsed = time.monotonic_ns() - t0
    await ponger

    rec.figure("ns_per_round_trip", elapsed / rounds)
    rec.figure("round_trips_per_s", rounds * 1e9 / elapsed)
    rec.check("replies_correct", rounds, good)
