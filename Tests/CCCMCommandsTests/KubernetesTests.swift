import Foundation
import TestSupport
import Testing
import Yams

/// deploy/kubernetes: no cluster runs here, so the manifests are read and checked field by field,
/// and their containers' commands run locally, once per completion index, then merged.
@Suite("Kubernetes: the Indexed Job and the merge Job")
struct KubernetesTests {
  static let folder = repositoryRoot.appendingPathComponent("deploy/kubernetes")

  static func manifest(_ name: String) throws -> [String: Any] {
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    return try #require(try Yams.load(yaml: text) as? [String: Any], "\(name) is a YAML mapping")
  }

  /// The one container of a Job's pod template, and the pod spec.
  static func container(_ job: [String: Any]) throws -> (container: [String: Any], pod: [String: Any]) {
    let spec = try #require(job["spec"] as? [String: Any])
    let template = try #require(spec["template"] as? [String: Any])
    let pod = try #require(template["spec"] as? [String: Any])
    let containers = try #require(pod["containers"] as? [[String: Any]])
    #expect(containers.count == 1)
    return (try #require(containers.first), pod)
  }

  static func environment(_ container: [String: Any]) throws -> [String: String] {
    let list = try #require(container["env"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: list.compactMap { entry in (entry["name"] as? String).map { ($0, "\(entry["value"] ?? "")") } })
  }

  @Test("the manifests: an Indexed Job of N completions with SHARDS = N, a merge Job on the same image and volume; each index's command run locally merges byte-identical")
  func indexedJob() throws {
    let shards = try Self.manifest("shards-job.yaml")
    let merge = try Self.manifest("merge-job.yaml")
    let claim = try Self.manifest("results-claim.yaml")
    for job in [shards, merge] {
      #expect(job["apiVersion"] as? String == "batch/v1")
      #expect(job["kind"] as? String == "Job")
    }
    let spec = try #require(shards["spec"] as? [String: Any])
    #expect(spec["completionMode"] as? String == "Indexed")
    let completions = try #require(spec["completions"] as? Int)
    #expect(completions >= 1 && spec["parallelism"] as? Int == completions)
    let (shard, shardPod) = try Self.container(shards)
    let (merger, mergePod) = try Self.container(merge)
    for pod in [shardPod, mergePod] { #expect(pod["restartPolicy"] as? String == "Never") }
    #expect(shard["image"] as? String == merger["image"] as? String)
    let env = try Self.environment(shard)
    let mergeEnv = try Self.environment(merger)
    #expect(env["SHARDS"] == String(completions), "SHARDS must equal completions")
    #expect(env["OUT"] != nil && env["OUT"] == mergeEnv["OUT"])
    for (container, pod) in [(shard, shardPod), (merger, mergePod)] {
      let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
      #expect(mounts.first?["mountPath"] as? String == env["OUT"])
      let volumes = try #require(pod["volumes"] as? [[String: Any]])
      let claimName = (volumes.first?["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String
      #expect(claimName == (claim["metadata"] as? [String: Any])?["name"] as? String)
      #expect(container["workingDir"] as? String == "/opt/cccm")
      #expect(container["command"] as? [String] == ["/bin/sh", "-c"])
    }
    let containerfile = try String(contentsOf: Self.folder.appendingPathComponent("Containerfile"), encoding: .utf8)
    #expect(containerfile.contains("WORKDIR /opt/cccm") && containerfile.contains("libgsl-dev") && containerfile.contains("libxlsxwriter-dev"))
    // The default command's scenario files are in the repository (the image holds it in /opt/cccm).
    let arguments = try #require(env["CCCM_ARGS"]).split(separator: " ").map(String.init)
    #expect(["run", "compare", "sweep", "sensitivity"].contains(arguments.first ?? ""))
    for file in arguments where file.hasSuffix(".yaml") {
      #expect(FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(file).path), "\(file)")
    }

    // Each index's container command, locally (the repository stands in for /opt/cccm), with a
    // small command, then the merge Job's command.
    let out = try scratchFolder("k8s")
    defer { try? FileManager.default.removeItem(at: out) }
    let small = "compare scenarios/bench/r1.yaml Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml -r 9 --teams"
    var local = env
    local["OUT"] = out.path
    local["CCCM_ARGS"] = small
    local["PATH"] = URL(fileURLWithPath: cccmExecutable).deletingLastPathComponent().path + ":/usr/bin:/bin"
    let script = try #require((shard["args"] as? [String])?.first)
    let pods = try (0..<completions).map { index in
      try ChildProcess.start("/bin/sh", ["-c", script], environment: local.merging(["JOB_COMPLETION_INDEX": String(index)]) { $1 })
    }
    for pod in pods {
      let result = try pod.wait()
      #expect(result.status == 0, "\(result.err)")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("shard-") }.sorted()
    #expect(files == (1...completions).map { "shard-\($0).json" }.sorted())
    var mergeLocal = mergeEnv
    mergeLocal["OUT"] = out.path
    mergeLocal["PATH"] = local["PATH"]
    let merged = try ChildProcess.start("/bin/sh", ["-c", try #require((merger["args"] as? [String])?.first)], environment: mergeLocal).wait()
    #expect(merged.status == 0, "\(merged.err)")
    let whole = try runCCCM(small.split(separator: " ").map(String.init) + ["-q"])
    #expect(whole.status == 0 && !whole.out.isEmpty)
    #expect(merged.out == whole.out, "the merge Job's log is the unsharded output")
    #expect(try String(contentsOf: out.appendingPathComponent("report.txt"), encoding: .utf8) == whole.out)
  }
}
