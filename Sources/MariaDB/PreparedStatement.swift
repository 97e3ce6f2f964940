import CMariaDB

/// A server-side prepared statement. Parameters are bound as text or integers; result columns
/// are fetched as text. Bind buffers are heap-allocated and live until the call that uses them
/// returns (Connector/C keeps the pointers until execute/fetch is done).
final class PreparedStatement {
    /// Start size of a result column buffer; larger values are fetched again in full.
    static let columnBufferBytesInitial = 256

    private let statement: UnsafeMutablePointer<MYSQL_STMT>
    private let parameterCount: Int

    init(connection: UnsafeMutablePointer<MYSQL>, sql: String) throws(DatabaseError) {
        guard let statement = mysql_stmt_init(connection) else {
            throw Connection.error(of: connection)
        }
        let status = sql.withCString { mysql_stmt_prepare(statement, $0, UInt(sql.utf8.count)) }
        if status != 0 {
            let error = PreparedStatement.error(of: statement)
            mysql_stmt_close(statement)
            throw error
        }
        self.statement = statement
        self.parameterCount = Int(mysql_stmt_param_count(statement))
    }

    func close() { mysql_stmt_close(statement) }

    func execute(_ parameters: [DatabaseValue]) throws(DatabaseError) -> Int {
        do {
            try bindAndExecute(parameters)
            let affected = mysql_stmt_affected_rows(statement)
            mysql_stmt_free_result(statement)
            try drainResults()
            return affected == UInt64.max ? 0 : Int(affected)
        } catch {
            recover()
            throw error
        }
    }

    func query(_ parameters: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        do {
            try bindAndExecute(parameters)
            let rows = try fetchAll()
            mysql_stmt_free_result(statement)
            try drainResults()
            return rows
        } catch {
            recover()
            throw error
        }
    }

    /// After a failed execute or fetch, unread result sets (a CALL's trailing status) would
    /// leave the connection out of sync; reset discards them. A connection that is broken
    /// anyway is dropped by the caller.
    private func recover() {
        mysql_stmt_free_result(statement)
        _ = mysql_stmt_reset(statement)
    }

    /// A CALL answers its result sets and then a status; the statement is usable again only
    /// once every one has been read. Plain statements have none left.
    private func drainResults() throws(DatabaseError) {
        while mysql_stmt_more_results(statement) != 0 {
            let status = mysql_stmt_next_result(statement)
            if status > 0 { throw PreparedStatement.error(of: statement) }
            if status < 0 { break }
            if mysql_stmt_field_count(statement) > 0 {
                if mysql_stmt_store_result(statement) != 0 { throw PreparedStatement.error(of: statement) }
            }
            mysql_stmt_free_result(statement)
        }
    }

    private func fetchAll() throws(DatabaseError) -> [DatabaseRow] {
        let columnCount = Int(mysql_stmt_field_count(statement))
        if columnCount == 0 { return [] }
        if mysql_stmt_store_result(statement) != 0 { throw PreparedStatement.error(of: statement) }

        let binds = UnsafeMutablePointer<MYSQL_BIND>.allocate(capacity: columnCount)
        binds.initialize(repeating: MYSQL_BIND(), count: columnCount)
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: columnCount)
        lengths.initialize(repeating: 0, count: columnCount)
        let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: columnCount)
        nulls.initialize(repeating: 0, count: columnCount)
        let truncations = UnsafeMutablePointer<my_bool>.allocate(capacity: columnCount)
        truncations.initialize(repeating: 0, count: columnCount)
        var buffers: [UnsafeMutableRawPointer] = []
        defer {
            for buffer in buffers { buffer.deallocate() }
            binds.deallocate(); lengths.deallocate(); nulls.deallocate(); truncations.deallocate()
        }
        for column in 0..<columnCount {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: PreparedStatement.columnBufferBytesInitial, alignment: 8)
            buffers.append(buffer)
            binds[column].buffer_type = MYSQL_TYPE_STRING
            binds[column].buffer = buffer
            binds[column].buffer_length = UInt(PreparedStatement.columnBufferBytesInitial)
            binds[column].length = lengths + column
            binds[column].is_null = nulls + column
            binds[column].error = truncations + column
        }
        if mysql_stmt_bind_result(statement, binds) != 0 { throw PreparedStatement.error(of: statement) }

        var rows: [DatabaseRow] = []
        while true {
            let status = mysql_stmt_fetch(statement)
            if status == 1 { throw PreparedStatement.error(of: statement) }
            if status == MYSQL_NO_DATA { break }
            var columns: [String?] = []
            columns.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if nulls[column] != 0 { columns.append(nil); continue }
                let length = Int(lengths[column])
                if length <= PreparedStatement.columnBufferBytesInitial {
                    columns.append(String(decoding: UnsafeRawBufferPointer(start: buffers[column], count: length), as: UTF8.self))
                } else {
                    columns.append(try fetchWhole(column: column, length: length))
                }
            }
            rows.append(DatabaseRow(columns: columns))
        }
        return rows
    }

    /// A value longer than the column buffer (MYSQL_DATA_TRUNCATED): fetch it again in full.
    private func fetchWhole(column: Int, length: Int) throws(DatabaseError) -> String {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 8)
        defer { buffer.deallocate() }
        var realLength: UInt = 0
        var bind = MYSQL_BIND()
        bind.buffer_type = MYSQL_TYPE_STRING
        bind.buffer = buffer
        bind.buffer_length = UInt(length)
        return try withUnsafeMutablePointer(to: &realLength) { (lengthPointer) throws(DatabaseError) -> String in
            bind.length = lengthPointer
            if mysql_stmt_fetch_column(statement, &bind, UInt32(column), 0) != 0 {
                throw PreparedStatement.error(of: statement)
            }
            return String(decoding: UnsafeRawBufferPointer(start: buffer, count: min(length, Int(lengthPointer.pointee))), as: UTF8.self)
        }
    }

    private func bindAndExecute(_ parameters: [DatabaseValue]) throws(DatabaseError) {
        precondition(parameters.count == parameterCount, "statement expects \(parameterCount) parameters, got \(parameters.count)")
        let count = max(parameterCount, 1)
        let binds = UnsafeMutablePointer<MYSQL_BIND>.allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND(), count: count)
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        var buffers: [UnsafeMutableRawPointer] = []
        defer {
            for buffer in buffers { buffer.deallocate() }
            binds.deallocate(); lengths.deallocate()
        }
        for (index, parameter) in parameters.enumerated() {
            switch parameter {
            case .null:
                binds[index].buffer_type = MYSQL_TYPE_NULL
            case .integer(let number):
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
                buffer.storeBytes(of: number, as: Int64.self)
                buffers.append(buffer)
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].buffer = buffer
            case .text(let text):
                let utf8 = Array(text.utf8)
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(utf8.count, 1), alignment: 1)
                utf8.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: utf8.count) }
                buffers.append(buffer)
                binds[index].buffer_type = MYSQL_TYPE_STRING
                binds[index].buffer = buffer
                binds[index].buffer_length = UInt(utf8.count)
                lengths[index] = UInt(utf8.count)
                binds[index].length = lengths + index
            }
        }
        if parameterCount > 0, mysql_stmt_bind_param(statement, binds) != 0 {
            throw PreparedStatement.error(of: statement)
        }
        if mysql_stmt_execute(statement) != 0 { throw PreparedStatement.error(of: statement) }
    }

    static func error(of statement: UnsafeMutablePointer<MYSQL_STMT>) -> DatabaseError {
        DatabaseError(
            code: mysql_stmt_errno(statement),
            sqlState: String(cString: mysql_stmt_sqlstate(statement)),
            message: String(cString: mysql_stmt_error(statement)))
    }
}
