/// An account as the auth plugin stores it.
struct User: Sendable {
    let id: String
    let email: String
    let name: String?
    let passwordHash: String?
    let emailVerified: Bool
    let failedAttempts: Int
    let lockedUntil: Double?
    let disabled: Bool
    let createdAt: Double
}
