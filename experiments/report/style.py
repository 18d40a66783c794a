"""How each runtime and peer looks in every chart: one registry.

A runtime (threaded, coroutine, callback) or a peer measured beside them
(libuv, asyncio, go, node, nginx, the bare epoll floor) keeps one colour,
one marker and one display name in every chart, so a reader learns them
once.  A variant of one runtime (stack=compact, another backend, a loop
count, the same server sharing one CPU) keeps the runtime's colour and
takes a line style, in the order variants appear.  A name the registry
does not know takes a spare colour, the same one for the same name in
every chart of a run.
"""

import zlib

# name: (display name, colour, marker).  Colours from a palette that
# stays apart for the common colour-vision deficiencies.
KNOWN = {
    "threaded": ("threaded", "#0072B2", "o"),
    "coroutine": ("coroutine", "#E69F00", "s"),
    "callback": ("callback", "#009E73", "^"),
    "floor": ("epoll floor", "#444444", "v"),
    "libuv": ("libuv", "#CC79A7", "D"),
    "asyncio": ("asyncio", "#D55E00", "P"),
    "go": ("go", "#56B4E9", "X"),
    "node": ("node", "#8C564B", "h"),
    "nginx": ("nginx", "#7F7F7F", "*"),
    # Not a runtime: the code both direct-style runtimes share.
    "direct style": ("direct style (threaded, coroutine)", "#5D5D9E", "o"),
}
SPARE = [("#17BECF", "p"), ("#BCBD22", "<"), ("#9467BD", ">"),
         ("#E377C2", "d")]

# Line styles of a runtime's variants: the first is solid.
LINE_STYLES = ["-", "--", ":", "-."]


def _spare(name):
    # A hash, not the order of appearance: the same name gets the same
    # spare in every chart.
    return SPARE[zlib.crc32(name.encode()) % len(SPARE)]


def label(name):
    return KNOWN[name][0] if name in KNOWN else name


def colour(name):
    return KNOWN[name][1] if name in KNOWN else _spare(name)[0]


def marker(name):
    return KNOWN[name][2] if name in KNOWN else _spare(name)[1]


def line_style(variant_index):
    """The line style of a runtime's n-th variant (0: the plain one)."""
    return LINE_STYLES[variant_index % len(LINE_STYLES)]
