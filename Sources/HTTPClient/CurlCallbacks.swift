import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C callbacks handed to libcurl. Each gets the transfer's `TransferContext` as an unretained
/// pointer (see `HTTPClient.send` for why that is safe) and must not capture anything.
enum CurlCallbacks {
    static func context(_ pointer: UnsafeMutableRawPointer?) -> TransferContext {
        Unmanaged<TransferContext>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// CURLOPT_WRITEFUNCTION: a return value other than `size * count` aborts the transfer.
    static let write: curl_write_callback = { data, size, count, userData in
        let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
        return CurlCallbacks.context(userData).appendBody(bytes) ? size * count : 0
    }

    /// CURLOPT_HEADERFUNCTION: same contract as the write callback.
    static let header: curl_write_callback = { data, size, count, userData in
        let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
        return CurlCallbacks.context(userData).appendHeaderLine(bytes) ? size * count : 0
    }

    /// CURLOPT_OPENSOCKETFUNCTION: runs after resolution, before the TCP connect, for every address
    /// libcurl tries. Refusing here means no packet reaches a forbidden address; libcurl then tries
    /// the next address or fails with CURLE_COULDNT_CONNECT.
    static let openSocket: curl_opensocket_callback = { clientData, _, address in
        guard let address else { return paygate_curl_socket_bad() }
        let socketAddress = UnsafeRawPointer(paygate_curl_sockaddr_address(address))!
        let parsed = IPAddress(socketAddress: socketAddress, length: Int(address.pointee.addrlen))
        let context = CurlCallbacks.context(clientData)
        guard context.allows(address: parsed, text: parsed?.description ?? "unknown address family") else {
            return paygate_curl_socket_bad()
        }
        // Close-on-exec: a worker may spawn processes, which must not inherit channel connections.
        let type = address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue)
        return socket(address.pointee.family, type, address.pointee.protocol)
    }

    /// CURLOPT_PREREQFUNCTION (libcurl 7.80+): runs on the connection about to carry the request,
    /// new or reused, just before the request is sent. It checks the policy again (a reused
    /// connection skips the open-socket callback) and marks the point after which the peer may have
    /// seen the request.
    static let preRequest: curl_prereq_callback = { clientData, primaryIP, _, _, _ in
        let context = CurlCallbacks.context(clientData)
        let text = primaryIP.map { String(cString: $0) } ?? ""
        guard context.allows(address: IPAddress(text), text: text) else {
            return Int32(paygate_curl_prereq_abort())
        }
        context.requestReleased = true
        return Int32(paygate_curl_prereq_ok())
    }
}
