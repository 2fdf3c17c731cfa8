import CivicFederation
import CivicServer
import Foundation
import Testing

@Suite("Node configuration: defaults, file, environment, flags", .liveNodes)
struct NodeConfigurationTests {
    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "civichub-\(UUID().uuidString).conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("The shipped Config/civichub.conf parses and equals the built-in defaults")
    func shippedDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/civichub.conf").path
        let loaded = try NodeConfiguration.load(file: path, environment: [:], overrides: [:])
        #expect(loaded == NodeConfiguration())
        #expect(loaded.effectivePublicURL == "http://127.0.0.1:8080")
    }

    @Test("Flags override the environment, which overrides the file")
    func precedence() throws {
        let path = try Self.file("port = 9000\nhost = 0.0.0.0 # all interfaces\nlog_level = debug\n")
        let loaded = try NodeConfiguration.load(
            file: path, environment: ["CIVICHUB_PORT": "9100", "CIVICHUB_ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1/32, 10.0.0.0/8", "HOME": "/x"],
            overrides: ["port": "9200"])
        #expect(loaded.port == 9200)
        #expect(loaded.host == "0.0.0.0")
        #expect(loaded.logLevel == "debug")
        #expect(loaded.allowedPrivateAddresses == [CIDR("127.0.0.1/32"), CIDR("10.0.0.0/8")].compactMap { $0 })
        #expect(loaded.queueRetentionDays == 7)
        #expect(try NodeConfiguration.load(file: nil, environment: ["CIVICHUB_QUEUE_RETENTION_DAYS": "0"], overrides: [:]).queueRetentionDays == 0)
    }

    @Test("Wrong keys and values are refused with a message naming them", arguments: [
        ("prot = 8080", "prot"), ("port = eighty", "port"), ("port = 70000", "port"), ("public_url = ftp://x", "public_url"),
        ("public_url = https://x.example/path", "public_url"), ("allowed_private_addresses = 10.0.0.0/33", "allowed_private_addresses"),
        ("log_level = loud", "log_level"), ("federation_mode = peered", "federation_mode"), ("just words", "expected"),
        ("queue_retention_days = -1", "queue_retention_days"), ("queue_retention_days = 7.5", "queue_retention_days"),
        ("queue_retention_days = 3651", "queue_retention_days"),
    ])
    func refusals(line: String, named: String) throws {
        let path = try Self.file(line)
        do {
            _ = try NodeConfiguration.load(file: path, environment: [:], overrides: [:])
            Issue.record("accepted \(line)")
        } catch let error as ConfigurationError {
            #expect(error.description.contains(named), "\(error)")
        }
    }

    @Test("An unknown CIVICHUB_ environment variable is refused by name")
    func unknownEnvironment() {
        #expect(throws: ConfigurationError.self) {
            try NodeConfiguration.load(file: nil, environment: ["CIVICHUB_PROT": "1"], overrides: [:])
        }
    }
}
