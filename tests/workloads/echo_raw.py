"""echo_raw.py PORT: 50 asyncio clients at once against an echo server
with --framing=raw (what `./tvc serve RUNTIME echo` runs).

Each client writes messages of random sizes (1 byte to 256 KiB) of
random bytes back to back without waiting for their echo (pipelined),
while it reads the echo as it comes; then it half-closes, reads until
the server closes, and checks every byte came back, in order, exactly
(length and SHA-256).  Seeded, so a failure repeats.
"""
import asyncio
import hashlib
import random
import sys

PORT = int(sys.argv[1])
CLIENTS = 50
MSGS = 4
MAX_SIZE = 256 * 1024


async def client(i):
    rng = random.Random(i)
    msgs = [rng.randbytes(rng.randint(1, MAX_SIZE)) for _ in range(MSGS)]
    sent = hashlib.sha256(b"".join(msgs)).hexdigest()
    total = sum(map(len, msgs))
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)

    async def send():
        for m in msgs:
            writer.write(m)
            await writer.drain()
        writer.write_eof()

    async def receive():
        got, h = 0, hashlib.sha256()
        while True:
            data = await reader.read(65536)
            if not data:
                return got, h.hexdigest()
            got += len(data)
            h.update(data)

    _, (got, echoed) = await asyncio.gather(send(), receive())
    writer.close()
    await writer.wait_closed()
    assert got == total and echoed == sent, (i, got, total)
    return total


async def main():
    sizes = await asyncio.wait_for(
        asyncio.gather(*(client(i) for i in range(CLIENTS))), timeout=50)
    print("ok: %d clients, %d bytes echoed exactly" % (CLIENTS, sum(sizes)))


asyncio.run(main())
