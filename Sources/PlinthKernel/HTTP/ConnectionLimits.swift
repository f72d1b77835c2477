import Foundation

/// How long a client may keep a connection without doing its part, and how many connections
/// the server holds at once. Defaults follow nginx's: 60 s for a request header
/// (`client_header_timeout`), 60 s between two reads of a body (`client_body_timeout`), 75 s
/// for an idle kept-alive connection (`keepalive_timeout`).
public struct ConnectionLimits: Sendable, Equatable {
    /// `PLINTH_HEADER_TIMEOUT` in seconds: a new connection must send a whole request header
    /// within it. Default 60.
    public var headerTimeout: Double = 60
    /// `PLINTH_BODY_TIMEOUT` in seconds: the longest wait for the next bytes of a request body
    /// while the server is reading it. Default 60.
    public var bodyTimeout: Double = 60
    /// `PLINTH_KEEPALIVE_TIMEOUT` in seconds: an idle connection between requests (including the
    /// next request's header) is closed after it. Default 75.
    public var keepAliveTimeout: Double = 75
    /// `PLINTH_MAX_CONNECTIONS`: connections held at once; one more is closed as it arrives.
    /// Default: the process's open-file limit less 128 (for the database, files and logs), at
    /// most 10,000 and at least 16.
    public var maxConnections: Int = ConnectionLimits.defaultMaxConnections

    public init() {}

    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_000 }
        let soft = Int(clamping: min(limit.rlim_cur, 10_128))
        return min(10_000, max(16, soft - 128))
    }
}
