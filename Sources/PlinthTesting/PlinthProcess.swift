import AsyncHTTPClient
import NIOCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A real `plinth` process, for tests of the command line and of several instances at once.
public final class PlinthProcess: Sendable {
    public let process: Process
    private let output = SharedText()
    private let stdoutText = SharedText()

    /// The built `plinth` executable: `PLINTH_BINARY`, else `.build/debug/plinth` of this package.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PLINTH_BINARY"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/plinth").path
    }

    /// A clean environment: only what a shell would pass plus `extra`, so the developer's own
    /// settings never leak into a test.
    public static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "PLINTH_LOG_FORMAT": "text", "LOG_LEVEL": "info"]
        env.merge(extra) { $1 }
        return env
    }

    /// Another executable built beside `plinth` (e.g. `plinth-fixture`).
    public static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Starts `executable` (default ``binary``) with `arguments` in `directory`.
    public init(_ arguments: [String], environment: [String: String], directory: String, executable: String? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? Self.binary)
        process.arguments = arguments
        process.environment = Self.environment(environment)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = Pipe()
        let out = Pipe()
        process.standardError = err
        process.standardOutput = out
        err.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(String(decoding: data, as: UTF8.self)) }
        }
        out.fileHandleForReading.readabilityHandler = { [stdoutText] handle in
            let data = handle.availableData
            if !data.isEmpty { stdoutText.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
    }

    /// What the process wrote to stderr (logs) so far.
    public var log: String { output.text }
    public var stdout: String { stdoutText.text }

    /// Waits until stderr holds a line containing `text`; returns that line.
    public func waitForLine(containing text: String, timeout: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessTestError(message: "no line containing '\(text)' within \(timeout) s; log:\n\(log)")
    }

    /// Waits for the `listening` line and returns the base URL.
    public func waitUntilListening() async throws -> String {
        let line = try await waitForLine(containing: "] listening ")
        guard let range = line.range(of: #"url=\S+"#, options: .regularExpression) else { throw ProcessTestError(message: "no url in \(line)") }
        return String(line[range].dropFirst(4))
    }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }
    /// The process id, to read `/proc/<pid>/status`.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Waits for exit; returns the exit status.
    public func waitForExit(timeout: Double = 30) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                signal(SIGKILL)
                throw ProcessTestError(message: "process did not exit within \(timeout) s; log:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(50)) // let the pipes drain
        return process.terminationStatus
    }

    /// Runs a command to completion: (status, stdout, stderr).
    public static func run(_ arguments: [String], environment: [String: String] = [:], directory: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        let p = try PlinthProcess(arguments, environment: environment, directory: directory)
        let status = try await p.waitForExit(timeout: 120)
        return (status, p.stdout, p.log)
    }
}

public struct ProcessTestError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A fresh temporary folder, removed by the caller.
public func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-proc-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// GET `url` over a real connection; returns status, body and headers.
public func httpGet(_ url: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String, headers: [String: String]) {
    try await httpRequest("GET", url, body: nil, headers: headers)
}

/// POST `body` to `url` over a real connection; returns status, body and headers.
public func httpPost(_ url: String, body: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String, headers: [String: String]) {
    try await httpRequest("POST", url, body: Data(body.utf8), headers: headers)
}

// AsyncHTTPClient rather than URLSession: on Linux, URLSession requests made from many tasks
// at once have been seen never to complete (and to ignore their timeout), hanging the suite.
func httpRequest(_ method: String, _ url: String, body: Data?, headers: [String: String]) async throws -> (status: Int, body: String, headers: [String: String]) {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (key, value) in headers { request.headers.add(name: key, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let data = try await response.body.collect(upTo: 64 << 20)
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name.lowercased()] = header.value }
    return (Int(response.status.code), String(buffer: data), fields)
}

final class SharedText: Sendable {
    private let value = Mutex("")
    func append(_ text: String) { value.withLock { $0 += text } }
    var text: String { value.withLock { $0 } }
}

/// Runs blocking work (a child process, a synchronous read) on a Dispatch thread, so that it
/// does not hold one of the few threads of Swift's cooperative pool that the tests share.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
