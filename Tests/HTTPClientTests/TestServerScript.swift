/// The peer the tests talk to: a real HTTPS server (and a plain HTTP one) from Python's standard
/// library, plus a port that accepts TCP but never speaks. It prints its ports as one JSON line and
/// exits (removing its directory) when its stdin closes, so it dies with the test process however that ends.
enum TestServerScript {
    static let source = #"""
        import http.server, json, os, shutil, socket, socketserver, ssl, sys, threading, time

        cert_file, key_file = sys.argv[1], sys.argv[2]
        accepted = {"count": 0}
        connections = {"count": 0}
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so the client can reuse the connection

            def setup(self):
                # One handler per connection: its number tells the tests which requests shared one.
                super().setup()
                with lock:
                    connections["count"] += 1
                    self.connection_number = connections["count"]

            def log_message(self, *args):
                pass

            def reply(self, status, body, headers=()):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def handle_any(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts[0] == "echo":
                    # session_reused: the TLS handshake of this connection resumed an earlier session
                    # (None on plain HTTP). ?close=1 ends the connection after the answer.
                    answer = {"method": self.command, "path": self.path,
                              "headers": [[k, v] for k, v in self.headers.items()],
                              "body_hex": body.hex(), "client_port": self.client_address[1],
                              "connection": self.connection_number,
                              "session_reused": getattr(self.request, "session_reused", None)}
                    headers = [("Content-Type", "application/json"), ("X-Echo", "yes")]
                    if "close=1" in self.path:
                        headers.append(("Connection", "close"))  # send_header sets close_connection too
                    self.reply(200, json.dumps(answer).encode(), headers)
                elif parts[0] == "status":
                    self.reply(int(parts[1]), b"status")
                elif parts[0] == "sleep":
                    time.sleep(int(parts[1]) / 1000)
                    self.reply(200, b"late")
                elif parts[0] == "big":
                    self.reply(200, b"a" * int(parts[1]))
                elif parts[0] == "stream":  # no Content-Length: the size is known only while reading
                    self.send_response(200)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    remaining = int(parts[1])
                    while remaining > 0:
                        chunk = min(remaining, 512)
                        self.wfile.write(b"s" * chunk)
                        self.wfile.flush()
                        remaining -= chunk
                    self.close_connection = True
                elif parts[0] == "accepted":
                    with lock:
                        count = accepted["count"]
                    self.reply(200, str(count).encode())
                else:
                    self.reply(404, b"unknown")

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

            def __init__(self, tls_context=None):
                super().__init__(("127.0.0.1", 0), Handler)
                self.tls_context = tls_context

            def get_request(self):
                connection, address = self.socket.accept()
                # Headers and body go out in two writes; without this, Nagle holds the body back until
                # the client's delayed ACK, adding 40 ms to every answer.
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with lock:
                    accepted["count"] += 1
                if self.tls_context:
                    # The handshake happens on first read, in the handler's thread, so a client that
                    # rejects our certificate cannot stall the accept loop.
                    connection = self.tls_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
                return connection, address

            def handle_error(self, request, client_address):
                pass  # clients that time out or reject the certificate are part of the tests

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        https_server = Server(context)
        http_server = Server()
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes TCP handshakes; nobody ever answers on them

        for server in (https_server, http_server):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        print(json.dumps({"https": https_server.server_address[1], "http": http_server.server_address[1],
                          "silent": silent.getsockname()[1]}), flush=True)
        sys.stdin.read()
        shutil.rmtree(os.path.dirname(os.path.abspath(cert_file)), ignore_errors=True)  # keys and certificates
        os._exit(0)
        """#
}
