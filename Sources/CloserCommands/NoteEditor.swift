import Foundation
import Glibc
import PipelineCore
import TerminalText

/// Writes a note in the rep's editor: `$VISUAL`, then `$EDITOR`, then `vi`, on a
/// temporary file. Returns the text, or nil when the file was left empty or unchanged.
enum NoteEditor {
  /// The line below which the editor's file holds Closer's help, not the note (as git
  /// marks the end of a commit message): every line above it is the note, `#` lines too.
  static let scissors = "# ------------------------ >8 ------------------------"

  static func template(for name: String) -> String {
    """

    \(scissors)
    # Write the note above this line; this line and everything below it are left out.
    # An empty note adds nothing.
    # Lead: \(printableName(name))

    """
  }

  static func edit(for name: String, environment: Environment) throws -> String? {
    let directory = NSTemporaryDirectory()
    let path = directory + "closer-note-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt"
    let header = template(for: name)
    try header.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let editor = environment.editorCommand
    // Through the shell, so that EDITOR="code --wait" or "emacs -nw" work as they do elsewhere.
    let status = try runInTerminal(["/bin/sh", "-c", "\(editor) \"$1\"", "closer-editor", path])
    guard status == 0 else { throw CommandError("the editor (\(editor)) exited with status \(status); no note added") }
    guard let written = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return note(in: written, name: name)
  }

  /// The note in what the editor left: every line above the scissors line, as written
  /// (`#1 priority` included). If the rep deleted the scissors line, the help's own lines
  /// are left out, and nothing else. Nil when no note was written.
  static func note(in written: String, name: String) -> String? {
    var lines = written.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let cut = lines.firstIndex(where: { $0.trimmingWhitespace == scissors }) {
      lines = Array(lines[..<cut])
    } else {
      let help = Set(template(for: name).split(separator: "\n").map(String.init))
      lines.removeAll { help.contains($0) }
    }
    let text = cleanNote(lines.joined(separator: "\n"))
    return text.isEmpty ? nil : text
  }

  static func printableName(_ name: String) -> String {
    String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
  }

  /// Runs a program on this terminal and waits for it.
  private static func runInTerminal(_ arguments: [String]) throws -> Int32 {
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, arguments[0], nil, nil, argv, environ) == 0 else {
      throw CommandError("cannot start the editor")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status >> 8) & 0xFF
  }
}

extension Environment {
  /// `$VISUAL`, then `$EDITOR`, then `vi`.
  var editorCommand: String {
    for name in ["VISUAL", "EDITOR"] {
      if let value = variables[name], !value.trimmingWhitespace.isEmpty { return value }
    }
    return "vi"
  }
}
