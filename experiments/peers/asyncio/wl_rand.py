"""The C workloads' random numbers (common/workloads/wl_util.c: wl_seed,
a splitmix64 of (seed, stream), and wl_rand, xorshift64*), so a peer
draws the same sleeps, sizes and payloads as the runtimes."""

MASK = (1 << 64) - 1


def seed(value, stream):
    z = (value * 0x9e3779b97f4a7c15 + stream + 1) & MASK
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK
    z ^= z >> 31
    return z or 1


class Rand:
    def __init__(self, state):
        self.state = state

    def next(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        self.state = x
        return (x * 2685821657736338717) & MASK
