import Foundation
import Testing

@Suite struct TypedTextTests {
  /// Text typed on the command line is stored the way an import stores it: control
  /// characters, line breaks and bidirectional overrides become single spaces and the ends
  /// are trimmed, so the journal holds nothing that could drive a terminal.
  @Test func addFollowUpAndLostStoreCleanedText() throws {
    let box = Sandbox()
    let add = try box.run([
      "add", "Ana\u{1B}]0;pwned\u{07}Lima", "--company", "\u{1B}[31mAcme\u{1B}[0m", "--email", "ana@\u{7F}acme.com",
      "--phone", "+1\r555", "--source", "Web\u{9B}31minar", "--owner", "\u{202E}nala", "--follow-up", "Call\nback",
      "--due", "2027-01-15",
    ])
    #expect(add.status == 0, "\(add.stderr)")
    var lead = try #require(try json(box.run(["show", "pwned", "--json"]).stdout) as? [String: Any])
    #expect(lead["name"] as? String == "Ana ]0;pwned Lima")
    #expect(lead["company"] as? String == "[31mAcme [0m")
    #expect(lead["email"] as? String == "ana@ acme.com")
    #expect(lead["phone"] as? String == "+1 555")
    #expect(lead["source"] as? String == "Web 31minar")
    #expect(lead["owner"] as? String == "nala")
    #expect((lead["followUp"] as? [String: Any])?["action"] as? String == "Call back")

    #expect(try box.run(["follow-up", "pwned", "Send\u{1B}[2Jproposal", "--due", "2027-02-01"]).status == 0)
    lead = try #require(try json(box.run(["show", "pwned", "--json"]).stdout) as? [String: Any])
    #expect((lead["followUp"] as? [String: Any])?["action"] as? String == "Send [2Jproposal")

    #expect(try box.run(["lost", "pwned", "--reason", "Too\u{07}\u{07}late\u{85}"]).status == 0)
    lead = try #require(try json(box.run(["show", "pwned", "--json"]).stdout) as? [String: Any])
    #expect(lead["lostReason"] as? String == "Too late")

    let journal = String(decoding: box.journalBytes(), as: UTF8.self)
    #expect(!journal.contains("\\u00"), "\(journal)")  // no escaped control character
    #expect(!journal.unicodeScalars.contains { (0x80..<0xA0).contains($0.value) || $0.value == 0x202E })
  }

  /// A follow-up whose action is nothing but control characters has no action.
  @Test func anActionOfOnlyControlCharactersIsRefused() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    try box.expectRefused(["follow-up", "ana", "\u{1B}\u{07}", "--due", "tomorrow"], saying: "give the next action")
  }
}
