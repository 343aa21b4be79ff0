import Foundation
import NNFiles
import NNTensor
import Testing
@testable import NNLib

/// The checkpoint container: every part survives a write and a read
/// exactly; a damaged or foreign file is an error naming the field.
@Suite struct CheckpointFileTests {
    static func sample() throws -> Checkpoint {
        var rng = RandomGenerator(seed: 4)
        let w = try Tensor.randn([2, 3], using: &rng), b = try Tensor.randn([2], dtype: .float64, using: &rng)
        _ = rng.normal()
        var h = History()
        h.trainLoss = [0.5, 0.25]
        h.valLoss = [0.6, .infinity]
        h.lr = [0.1, 1e-5]
        h.seconds = [0.01, 0.02]
        h.bestEpoch = 1
        return Checkpoint(
            epoch: 2, modelKind: .module, model: [("0.weight", w), ("0.bias", b)],
            optimizer: OptimizerState(kind: "Adam", lr: 0.001, settings: [("betas", "[0.9, 0.999]")], stepCounts: [4, 0],
                                      buffers: [(0, "exp_avg", w), (0, "exp_avg_sq", w)]),
            scheduler: SchedulerState(description: "ReduceLROnPlateau(mode: min)", unit: "epoch", steps: 2, best: .infinity,
                                      badEpochs: 1, cooldownLeft: 0),
            generators: [("interpreter", rng), ("dropout.2", RandomGenerator(seed: 9))],
            loader: LoaderState(samples: 10, batchSize: 4, shuffle: true, dropLast: false, seed: UInt64.max, epoch: 2),
            history: h,
            earlyStopping: EarlyStopping.Counters(patience: 3, restoreBest: true, best: 0.6, wait: 1, bestEpoch: 1, stopped: false),
            bestWeights: [("0.weight", w)], extra: "{\"record\":{}}", extraTensors: [("0", b)])
    }

    static func bytes(_ c: Checkpoint) throws -> [UInt8] { try TensorFiles.encodeSafetensors(c.archive()) }

    static func decode(_ bytes: [UInt8]) throws(FileError) -> Checkpoint {
        try Checkpoint(archive: try TensorFiles.decodeSafetensors(bytes, path: "f"), path: "f")
    }

    @Test func everyPartRoundTripsExactly() throws {
        let c = try Self.sample()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-ckpt-\(UUID().uuidString).ckpt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TensorFiles.writeCheckpoint(c, to: path)
        let back = try TensorFiles.readCheckpoint(path)
        #expect(back.epoch == 2 && back.modelKind == .module)
        #expect(back.model.map(\.name) == ["0.weight", "0.bias"] && back.model[1].tensor.doubles == c.model[1].tensor.doubles)
        #expect(back.model[1].tensor.dtype == .float64)
        let o = try #require(back.optimizer)
        #expect(o.kind == "Adam" && o.lr == 0.001 && o.stepCounts == [4, 0] && o.settings.map(\.value) == ["[0.9, 0.999]"])
        #expect(o.buffers.map { "\($0.parameter).\($0.name)" } == ["0.exp_avg", "0.exp_avg_sq"])
        #expect(back.scheduler == c.scheduler)
        #expect(back.generators.map(\.name) == ["interpreter", "dropout.2"])
        let g = back.generators[0].generator, g0 = c.generators[0].generator
        #expect(g.state == g0.state && g.spareNormal?.bitPattern == g0.spareNormal?.bitPattern && g.spareNormal != nil)
        #expect(back.loader == c.loader)
        let h = try #require(back.history)
        #expect(h.trainLoss == [0.5, 0.25] && h.valLoss == [0.6, .infinity] && h.lr == [0.1, 1e-5] && h.bestEpoch == 1)
        #expect(back.earlyStopping == c.earlyStopping)
        #expect(back.bestWeights?.map(\.name) == ["0.weight"])
        #expect(back.extra == "{\"record\":{}}" && back.extraTensors.map(\.name) == ["0"])
        // Written by the safetensors writer: any reader sees the names and the metadata strings.
        let plain = try TensorFiles.readSafetensors(path)
        #expect(plain.tensors.map(\.name) == ["model.0.weight", "model.0.bias", "opt.state.0.exp_avg", "opt.state.0.exp_avg_sq",
                                              "best.0.weight", "extra.0"])
        #expect(plain.metadata.first { $0.key == "data" }?.value
            == "{\"samples\":10,\"batch_size\":4,\"shuffle\":true,\"drop_last\":false,\"seed\":\"18446744073709551615\",\"epoch\":2}")
    }

    /// The reason `decode` gives for the archive `c` with `edit` applied.
    func reason(_ edit: (inout TensorArchive) -> Void) throws -> String {
        var archive = try Self.sample().archive()
        edit(&archive)
        let bytes = try TensorFiles.encodeSafetensors(archive)
        do {
            _ = try Self.decode(bytes)
            return "no error"
        } catch {
            #expect(error.path == "f")
            return error.reason
        }
    }

    func setMeta(_ key: String, _ value: String?) -> (inout TensorArchive) -> Void {
        { a in
            a.metadata.removeAll { $0.key == key }
            if let value { a.metadata.append((key, value)) }
        }
    }

    @Test func aForeignOrDamagedFileIsRefusedNamingTheField() throws {
        #expect(try reason(setMeta("format", "pt")).hasPrefix("it is not an nn checkpoint"))
        #expect(try reason(setMeta("format", nil)).hasPrefix("it is not an nn checkpoint"))
        #expect(try reason(setMeta("version", "2")) == "'__metadata__.version' is \"2\"; this nn reads checkpoints of version 1 (a newer nn wrote it?)")
        #expect(try reason(setMeta("epoch", "-1")) == "'__metadata__.epoch' must be a whole number from 0 to 2^53, got \"-1\"")
        #expect(try reason(setMeta("data", "{\"samples\":10,\"batch_size\":4,\"shuffle\":true,\"drop_last\":false,\"seed\":\"1\",\"epoch\":9223372036854775807}"))
            == "'__metadata__.data.epoch': is 9223372036854775807, more than the 2^53 a checkpoint may count")
        #expect(try reason(setMeta("colour", "red")) == "'__metadata__.colour' is not a field of an nn checkpoint (a newer nn wrote it?)")
        #expect(try reason(setMeta("model", "{\"kind\":\"pickle\"}")).hasPrefix("'__metadata__.model' must be"))
        #expect(try reason(setMeta("optimizer", "{\"kind\":\"Adam\"")).hasPrefix("'__metadata__.optimizer': the JSON ends early"))
        #expect(try reason(setMeta("optimizer", "{\"kind\":\"Adam\",\"lr\":0.1,\"settings\":{},\"steps\":[-1]}"))
            == "'__metadata__.optimizer.steps': must be a whole number >= 0")
        #expect(try reason(setMeta("optimizer", "{\"kind\":\"Adam\",\"lr\":\"x\",\"settings\":{},\"steps\":[]}"))
            == "'__metadata__.optimizer.lr': must be a number")
        #expect(try reason(setMeta("optimizer", nil)) == "tensor 'opt.state.0.exp_avg' is an optimizer buffer, but there is no '__metadata__.optimizer'")
        #expect(try reason(setMeta("rng", "{\"interpreter\":{\"state\":[\"0\",\"0\",\"0\",\"0\"],\"spare\":null}}"))
            == "'__metadata__.rng.interpreter.state': is all zeros, which no generator reaches")
        #expect(try reason(setMeta("rng", "{\"interpreter\":{\"state\":[1,2,3,4],\"spare\":null}}"))
            == "'__metadata__.rng.interpreter.state': must be 4 decimal strings of 64-bit integers")
        #expect(try reason(setMeta("data", "{\"samples\":10}")) == "'__metadata__.data': has no field 'batch_size'")
        #expect(try reason(setMeta("schedule", "{\"schedule\":\"x\",\"unit\":\"epoch\",\"steps\":1,\"extra\":2}"))
            == "'__metadata__.schedule': has an unknown field 'extra'")
        #expect(try reason(setMeta("history", "{\"train_loss\":[1],\"val_loss\":[1,2],\"train_acc\":[],\"val_acc\":[],\"lr\":[],\"seconds\":[],\"best_epoch\":null,\"stopped_early\":false}"))
            == "'__metadata__.history.val_loss': has 2 entries but train_loss has 1 (one per epoch)")
        #expect(try reason(setMeta("early_stopping", "[]")) == "'__metadata__.early_stopping': must be a JSON object, got an array")
        #expect(try reason { $0.tensors.append(("weights.0", $0.tensors[0].tensor)) }
            == "tensor 'weights.0' is not part of an nn checkpoint (its names start with model., opt.state., best. or extra.)")
        #expect(try reason { $0.tensors.append(("opt.state.x.exp_avg", $0.tensors[0].tensor)) }
            == "tensor 'opt.state.x.exp_avg': an optimizer buffer is named opt.state.<parameter index>.<buffer>")
        #expect(try reason(setMeta("model", nil)) == "it has model tensors but no '__metadata__.model'")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try reason(setMeta("optimizer", deep)).contains("nests deeper than 64 levels"))
    }

    /// Mutated checkpoints never crash the reader: each is a checkpoint or a FileError.
    @Test func mutationsNeverCrash() throws {
        let seed = try Self.bytes(try Self.sample())
        var rng = RandomGenerator(seed: 23)
        for _ in 0..<400 {
            var b = seed
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let i = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 3 {
                case 0: b[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: b.removeSubrange(i...)
                default: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
                }
                if b.isEmpty { break }
            }
            do { _ = try Self.decode(b) } catch { #expect(error.path == "f") }
        }
    }

    @Test func jsonNumbersAreExact() throws {
        for d in [0.1, 1e-5, -0.0, 5e-324, 1.7976931348623157e308, 1 / 3.0, .nan, .infinity, -.infinity] {
            let text = JSONValue.array([.double(d)]).text
            let back = try JSONValue.parse(text).array?.first?.double
            #expect(back?.bitPattern == d.bitPattern || (d.isNaN && back?.isNaN == true), "\(d) → \(text)")
        }
        #expect(JSONValue.object([("a\"b\n", .string("\u{1}"))]).text == "{\"a\\\"b\\n\":\"\\u0001\"}")
    }
}
