import ArgumentParser
import KilnImage
import KilnTrain

/// --dataset, --data and --limit, shared by the commands that read training data.
struct DatasetOptions: ParsableArguments {
    enum Choice: String, ExpressibleByArgument, CaseIterable {
        case fashionMNIST = "fashion-mnist", mnist, mnist5k = "mnist-5k", png, pairs
    }

    @Option(help: "Data: \(Choice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dataset: Choice = .fashionMNIST

    @Option(help: "Where the data is: a folder of IDX files (fashion-mnist, mnist), the CSV file (mnist-5k), a folder of PNGs (png), or a folder with A/ (sketches) and B/ (images) of the same names (pairs, for pix2pix32).")
    var data: String?

    @Option(parsing: .unconditional, help: "Use only the first N training images (for quick runs).")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    /// The training split, or the held-out test split (t10k for IDX; every tenth image for
    /// mnist-5k and PNG folders, which have no split of their own).
    func load(test: Bool) throws -> Dataset {
        var d: Dataset
        do {
            switch dataset {
            case .fashionMNIST:
                d = try .idx(directory: data ?? Dataset.fashionMNISTDirectory, test: test, name: "fashion-mnist", classNames: Dataset.fashionMNISTClasses)
            case .mnist:
                guard let data else {
                    throw CLIError("MNIST is not packaged in Debian: put its IDX files in a folder and pass --data FOLDER, or use --dataset mnist-5k (fetched with Tools/fetch_mnist5k.sh).")
                }
                d = try .idx(directory: data, test: test, name: "mnist", classNames: Dataset.digitClasses)
            case .mnist5k:
                d = try .mnist5k(path: data ?? Dataset.mnist5kDefaultPath).split(test: test)
            case .pairs:
                throw CLIError("--dataset pairs holds image pairs for --arch pix2pix32; this command needs single images.")
            case .png:
                guard let data else { throw CLIError("--dataset png needs --data FOLDER (PNG files, or one subfolder of PNGs per class).") }
                d = try Dataset.pngFolder(directory: data, size: 28, channels: 1).split(test: test)
            }
        } catch let e as DatasetError {
            throw CLIError(e.description)
        }
        if let limit, !test { d = d.prefix(limit) }
        return d
    }

    /// (sketch, image) pairs for pix2pix32 at 32x32: a pairs folder as it is, or drawings made by
    /// the edge detector of any other dataset's 28x28 images padded by 2 pixels of background.
    func loadPairs(test: Bool) throws -> PairedDataset {
        var pairs: PairedDataset
        if dataset == .pairs {
            guard let data else { throw CLIError("--dataset pairs needs --data DIR (DIR/A sketches and DIR/B images, PNGs of the same names).") }
            do { pairs = try PairedDataset.folder(directory: data, size: 32).split(test: test) } catch let e as DatasetError { throw CLIError(e.description) }
        } else {
            let images = try load(test: test)
            guard images.channels == 1, images.height == 28, images.width == 28 else {
                throw CLIError("pix2pix32 draws sketches of 28x28 one-channel images; \(images.name) has \(images.channels)x\(images.height)x\(images.width).")
            }
            pairs = PairedDataset.drawings(of: images, padding: 2, detector: EdgeDetector())
        }
        if let limit, !test { pairs = pairs.prefix(limit) }
        return pairs
    }
}
