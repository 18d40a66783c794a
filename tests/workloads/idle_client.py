"""idle_client.py PORT: a client that connects and sends nothing, against
a server role started with --idle_timeout_ms: the server must close the
connection (the client reads EOF).  The socket timeout only bounds a
server that never does; it is no measure of when it did.
"""
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
got = s.recv(1)
assert got == b"", f"an idle connection got {got!r}, expected EOF"
s.close()
