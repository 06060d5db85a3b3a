/// The page at `/`: generate images from a seed (slider), pick a class, walk between two seeds.
/// The first picture is in the HTML itself (seed from `/?seed=S`), so it is there at page load.
enum Page {
    static func html(models: [ServedModel], seed: UInt64) -> String {
        let generators = models.filter { $0.kind == .generator }
        let first = generators.first
        let options = generators.map { "<option value=\"\(escape($0.name))\">\(escape($0.name)) (\(escape($0.precision)))</option>" }.joined()
        let classes = (first?.spec?.labelInput != nil ? first?.spec?.classNames ?? [] : [])
            .enumerated().map { "<option value=\"\($0.offset)\">\(escape($0.element))</option>" }.joined()
        let model = escape(first?.name ?? "")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Kiln</title>
            <style>
            [hidden] { display: none !important }
            body { font: 14px system-ui, sans-serif; margin: 0; background: #fafafa; color: #222 }
            header { height: 48px; line-height: 48px; padding: 0 16px; background: #333; color: #fff }
            #image { position: absolute; left: 16px; top: 64px; width: 224px; height: 224px; image-rendering: pixelated; background: #000 }
            #controls { position: absolute; left: 256px; top: 64px; width: 420px }
            #controls label { display: block; margin: 0 0 12px }
            #walk { position: absolute; left: 16px; top: 304px; image-rendering: pixelated }
            input[type=range] { width: 260px; vertical-align: middle }
            </style></head>
            <body>
            <header>Kiln \(first == nil ? "&mdash; no generator is loaded" : "&mdash; \(model)")</header>
            <img id="image" alt="generated image" src="/generate?model=\(model)&amp;seed=\(seed)&amp;zoom=8">
            <div id="controls">
              <label>Model <select id="model">\(options)</select></label>
              <label>Seed <input id="seed" type="range" min="0" max="9999" value="\(seed)"> <output id="seedValue">\(seed)</output></label>
              <label id="classRow"\(classes.isEmpty ? " hidden" : "")>Class <select id="cls"><option value="">k mod classes</option>\(classes)</select></label>
              <label>Walk to seed <input id="to" type="number" min="0" value="\(seed &+ 1)" style="width:6em"> in
                <input id="steps" type="number" min="2" max="16" value="8" style="width:4em"> steps
                <select id="path"><option>slerp</option><option>linear</option></select>
                <button id="walkButton">Walk</button></label>
            </div>
            <img id="walk" alt="interpolation" hidden>
            <script>
            const $ = id => document.getElementById(id);
            function query(extra) {
              const q = new URLSearchParams({ model: $("model").value, seed: $("seed").value, ...extra });
              if ($("cls").value !== "") q.set("class", $("cls").value);
              return q.toString();
            }
            function show() {
              $("seedValue").textContent = $("seed").value;
              $("image").src = "/generate?" + query({ zoom: 8 });
            }
            $("seed").addEventListener("input", show);
            $("cls").addEventListener("change", show);
            $("model").addEventListener("change", show);
            $("walkButton").addEventListener("click", () => {
              $("walk").hidden = false;
              $("walk").src = "/interpolate?" + query({ to: $("to").value, steps: $("steps").value, path: $("path").value, zoom: 3 });
            });
            </script>
            </body></html>
            """
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
