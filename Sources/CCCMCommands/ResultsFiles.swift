import ArgumentParser
import CCCMSupport
import Experiments
import Foundation
import ScenarioFiles

extension SavedResults {
  /// Reads a saved file, printing a clear message and exiting 2 if it cannot be read, is not one,
  /// or was damaged or edited into something `run --save` does not write (README: exit statuses).
  static func load(_ path: String) throws -> SavedResults {
    let shown = Excerpt.sanitized(path, limit: Excerpt.pathLimit)
    let data: Data
    do {
      data = try InputFile.read(path, limit: Self.maximumFileSize)
    } catch {
      printError("\(shown): error: cannot read the file: \(error.reason)")
      throw ExitCode(.fileError)
    }
    do {
      return try decode(data)
    } catch {
      printError("\(shown): error: \(error.description)")
      throw ExitCode(.fileError)
    }
  }
}
