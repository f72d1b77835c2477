import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

extension SecretStore {
    /// The file a development key is generated into, inside `PLINTH_DATA_DIR`.
    public static let generatedKeyFile = "secret.key"

    /// The store for `configuration`: `PLINTH_SECRET_KEY`, or outside production the key in
    /// `PLINTH_DATA_DIR/secret.key`, generated when `persist` is true and the file is missing
    /// (commands that only inspect pass false and get a key that seals nothing lasting).
    /// - Throws: ``KernelStartupError`` with code `.secretKey` naming the setting or the file.
    static func load(_ configuration: KernelConfiguration, logger: Logger, persist: Bool) throws -> SecretStore {
        if let key = configuration.secretKey {
            return SecretStore(current: key, previous: configuration.previousSecretKeys)
        }
        guard !configuration.isProduction else {
            throw KernelStartupError("PLINTH_SECRET_KEY is not set; production needs a key kept outside the data folder (`openssl rand -base64 32`)", code: .secretKey)
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent(generatedKeyFile)
        if let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) {
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw KernelStartupError("\(path) does not hold a secret key (32 bytes in base64); restore it, or set PLINTH_SECRET_KEY", code: .secretKey)
            }
            if persist { announce(path, logger) }
            return SecretStore(current: SecretKey(bytes: bytes), previous: configuration.previousSecretKeys)
        }
        let key = SecretKey.random()
        guard persist else { return SecretStore(current: key, previous: configuration.previousSecretKeys) }
        do {
            do { try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true) } catch {
                throw KernelStartupError("cannot create the data folder '\(configuration.dataDirectory)' for \(generatedKeyFile): \(error.localizedDescription); set PLINTH_DATA_DIR or PLINTH_SECRET_KEY", code: .secretKey)
            }
            // Created readable by the owner only; O_EXCL makes two instances starting at once agree.
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else {
                if errno == EEXIST { return try load(configuration, logger: logger, persist: persist) }
                throw KernelStartupError("cannot create \(path): \(String(cString: strerror(errno))); set PLINTH_SECRET_KEY or PLINTH_DATA_DIR", code: .secretKey)
            }
            let text = Array((key.base64 + "\n").utf8)
            let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            Glibc.close(fd)
            guard written == text.count else {
                throw KernelStartupError("cannot write \(path); set PLINTH_SECRET_KEY or PLINTH_DATA_DIR", code: .secretKey)
            }
        }
        logger.warning("generated a secret key in \(path): keep it, back it up, and set PLINTH_SECRET_KEY in production")
        return SecretStore(current: key, previous: configuration.previousSecretKeys)
    }

    private static func announce(_ path: String, _ logger: Logger) {
        logger.warning("PLINTH_SECRET_KEY is not set: secrets are sealed with the generated key in \(path) (set PLINTH_SECRET_KEY in production)")
    }
}
