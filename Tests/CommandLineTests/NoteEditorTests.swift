import Testing

@testable import CloserCommands

/// A note keeps every line the rep wrote, `#` lines included; only Closer's help, below the
/// scissors line, is left out.
@Suite struct NoteEditorTests {
  @Test func linesThatStartWithAHashAreKept() {
    let written = "#1 priority\n# Agenda\n- pricing\n" + NoteEditor.template(for: "Ana Lima")
    #expect(NoteEditor.note(in: written, name: "Ana Lima") == "#1 priority\n# Agenda\n- pricing")
  }

  @Test func theTemplateAloneIsNoNote() {
    #expect(NoteEditor.note(in: NoteEditor.template(for: "Ana"), name: "Ana") == nil)
    #expect(NoteEditor.note(in: "", name: "Ana") == nil)
  }

  /// An editor that rewrote the file whole (a script, `printf > file`) leaves only the note.
  @Test func aFileWithoutTheHelpIsAllNote() {
    #expect(NoteEditor.note(in: "Met at the fair.\n#hashtag\n", name: "Ana") == "Met at the fair.\n#hashtag")
  }

  /// A rep who deleted the scissors line still gets only their own lines.
  @Test func withoutTheScissorsLineTheHelpLinesAreStillLeftOut() {
    var lines = NoteEditor.template(for: "Ana").split(separator: "\n").map(String.init)
    lines.removeAll { $0 == NoteEditor.scissors }
    let written = "# Budget approved\n" + lines.joined(separator: "\n")
    #expect(NoteEditor.note(in: written, name: "Ana") == "# Budget approved")
  }
}
