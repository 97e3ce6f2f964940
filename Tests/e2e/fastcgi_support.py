"""A minimal FastCGI client (the responder role, one request per connection, as nginx speaks to the
pool with `fastcgi_keep_conn off`), so a test can hand the pool what nginx never sends from the
suite's loopback clients: another client address in REMOTE_ADDR. Only the parameters the pool reads
(nginx/fastcgi-params.conf) are sent. `python3 Tests/e2e/fastcgi_support.py` self-checks the
encoding without a stack.
"""
import socket
import struct

FCGI_VERSION = 1
FCGI_BEGIN_REQUEST = 1
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_RESPONDER = 1
REQUEST_ID = 1
RECORD_CONTENT_BYTES_MAX = 65535
ANSWER_TIMEOUT_SECONDS = 30


def record(record_type, content):
    padding = (8 - len(content) % 8) % 8
    return struct.pack("!BBHHBx", FCGI_VERSION, record_type, REQUEST_ID, len(content), padding) + content + b"\0" * padding


def length_prefix(length):
    return bytes([length]) if length < 128 else struct.pack("!I", length | 0x80000000)


def name_value_pairs(params):
    encoded = b""
    for name, value in params.items():
        name_bytes, value_bytes = name.encode("latin-1"), value.encode("utf-8")
        encoded += length_prefix(len(name_bytes)) + length_prefix(len(value_bytes)) + name_bytes + value_bytes
    return encoded


def stream(record_type, content):
    """A stream's records, ended by an empty one."""
    chunks = [content[i:i + RECORD_CONTENT_BYTES_MAX] for i in range(0, len(content), RECORD_CONTENT_BYTES_MAX)]
    return b"".join(record(record_type, chunk) for chunk in chunks) + record(record_type, b"")


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError(f"the pool closed the connection after {len(data)} of {count} bytes")
        data += chunk
    return data


def parse_answer(output):
    """(status, {lower-case header name: [values]}, body) of a responder's CGI-style output."""
    head, _, body = output.partition(b"\r\n\r\n")
    status, headers = 200, {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split(" ")[0])
        else:
            headers.setdefault(name.lower(), []).append(value.strip())
    return status, headers, body


def send(socket_path, method, request_uri, *, remote_address, headers=None, body=b"", request_id="0" * 32):
    """One request to the pool's socket; `headers` are HTTP request headers ({"Authorization": ...})."""
    params = {
        "REQUEST_METHOD": method, "REQUEST_URI": request_uri,
        "QUERY_STRING": request_uri.partition("?")[2], "CONTENT_LENGTH": str(len(body)),
        "REQUEST_ID": request_id, "REMOTE_ADDR": remote_address,
    }
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            params["CONTENT_TYPE"] = value
        else:
            params["HTTP_" + name.upper().replace("-", "_")] = value
    message = (record(FCGI_BEGIN_REQUEST, struct.pack("!HB5x", FCGI_RESPONDER, 0))
               + stream(FCGI_PARAMS, name_value_pairs(params)) + stream(FCGI_STDIN, body))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(ANSWER_TIMEOUT_SECONDS)
        connection.connect(socket_path)
        connection.sendall(message)
        output = b""
        while True:
            _, record_type, _, length, padding = struct.unpack("!BBHHBx", read_exactly(connection, 8))
            content = read_exactly(connection, length + padding)[:length]
            if record_type == FCGI_STDOUT:
                output += content
            elif record_type == FCGI_END_REQUEST:
                return parse_answer(output)


if __name__ == "__main__":
    assert length_prefix(5) == b"\x05" and length_prefix(300) == b"\x80\x00\x01\x2c"
    assert name_value_pairs({"A": "bc"}) == b"\x01\x02Abc"
    assert len(record(FCGI_STDIN, b"abc")) == 16 and record(FCGI_STDIN, b"")[4:6] == b"\x00\x00"
    assert parse_answer(b"Status: 401\r\nContent-Type: application/json\r\n\r\n{}") == (
        401, {"content-type": ["application/json"]}, b"{}")
    print("fastcgi_support: ok")
