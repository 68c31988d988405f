import XCTest

final class SetupMessageTemplatesTests: XCTestCase {
    let script = #"""
        ok "packages installed: ${wanted[*]}"
        change "restarted redis-server ($reason): pid $pid stopped, pid $(server_pid) answers PONG on $SOCK"
        printf '%s\n' "$answers"
        printf '  %-44s %s→%s %s\n' "redis-cli -s $SOCK ping" "$D" "$N" "PONG"
        """#

    func testALineIsAMessageWithItsVariablesFilledIn() throws {
        let templates = try SetupMessageTemplates(script: script)
        XCTAssertTrue(templates.matches("✓ packages installed: redis-server redis-tools"))
        XCTAssertTrue(templates.matches("→ restarted redis-server (to apply): pid 1 stopped, pid 2 answers PONG on /var/run/redis/redis.sock"))
        XCTAssertTrue(templates.matches("  redis-cli -s /var/run/redis/redis.sock ping  → PONG"))
    }

    func testARewordedLineOrAVariableOnlyStringMatchesNothing() throws {
        let templates = try SetupMessageTemplates(script: script)
        XCTAssertFalse(templates.matches("✓ packages are installed: redis-server"))
        XCTAssertFalse(templates.matches("→ restarted redis (to apply): pid 1 stopped, pid 2 answers PONG on /x"))
        // `"$answers"` is all variable: it must not make every line a message.
        XCTAssertFalse(templates.matches("anything at all"))
        XCTAssertFalse(templates.matches("  redis-cli -s /x ping  → PANG"))
    }
}
