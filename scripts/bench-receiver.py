#!/usr/bin/env python3
"""The merchant's webhook endpoint for `make bench` (scripts/bench.sh, runs (f0) and (f)).

    scripts/bench-receiver.py PORT LOG_FILE

Listens on 127.0.0.1:PORT, answers every POST 204 at once and appends one line per webhook to
LOG_FILE: "<receipt unix ms> <type> <payment_id> <event id>". Threads, standard library only. It
checks nothing (signatures are the e2e suite's business): it measures how fast paygate delivers.
"""
import http.server
import json
import sys
import threading
import time

lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the dispatcher's libcurl reuses connections

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        received = int(time.time() * 1000)
        try:
            event = json.loads(body)
            line = f"{received} {event['type']} {event['data']['payment_id']} {event['id']}\n"
        except (ValueError, KeyError, TypeError):
            line = f"{received} unreadable - -\n"
        with lock:
            log.write(line)
            log.flush()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *arguments):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # wrk and the dispatcher close kept-alive connections at will: not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


if __name__ == "__main__":
    port, path = int(sys.argv[1]), sys.argv[2]
    log = open(path, "a", encoding="utf-8")
    server = Server(("127.0.0.1", port), Receiver)
    print(f"bench-receiver: listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    server.serve_forever()
