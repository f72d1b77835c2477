import Foundation

/// Runs a command-line tool (`cc`, `curl`, `python3`) to completion without blocking a thread:
/// input, output and errors go through temporary files, and the exit is polled.
///
/// Files, not pipes: a process that another test starts while this one runs inherits the
/// write end of any pipe open at that moment, and a reader waiting for end-of-file then waits
/// until that other process exits.
public func runTool(_ arguments: [String], input: Data? = nil, timeout: Double = 120) async throws -> (status: Int32, stdout: Data, stderr: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-tool-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (inPath, outPath, errPath) = (folder + "/in", folder + "/out", folder + "/err")
    FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let (stdin, stdout, stderr) = (FileHandle(forReadingAtPath: inPath)!, FileHandle(forWritingAtPath: outPath)!, FileHandle(forWritingAtPath: errPath)!)
    defer {
        try? stdin.close()
        try? stdout.close()
        try? stderr.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        guard Date() < deadline else {
            process.terminate()
            throw ProcessTestError(message: "\(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    let output = FileManager.default.contents(atPath: outPath) ?? Data()
    let errors = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    return (process.terminationStatus, output, errors)
}
