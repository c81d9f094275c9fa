#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small SVG charts drawn on the server, so a report is one file with no script and no
/// external asset. Every data mark carries `class="mark"`, which the HTML check counts.
enum SVGChart {
    static let width = 640.0
    static let palette = ["#2f6db5", "#e07b39", "#3a9d5d", "#b8433f", "#7a5fb0", "#8c6d3f", "#cc6aa9", "#6b6b6b"]

    /// Vertical bars, one per label, with the value over each.
    static func bars(_ items: [(label: String, value: Double)], format: (Double) -> String, color: String = palette[0]) -> String {
        guard !items.isEmpty else { return empty() }
        let height = 220.0, top = 20.0, bottom = 40.0, left = 10.0
        let maxValue = max(items.map(\.value).max() ?? 0, 1e-9)
        let slot = (width - left * 2) / Double(items.count)
        var body = ""
        for (index, item) in items.enumerated() {
            let barHeight = max(0, item.value) / maxValue * (height - top - bottom)
            let x = left + Double(index) * slot + slot * 0.15
            let y = height - bottom - barHeight
            body += rect(x, y, slot * 0.7, barHeight, color, title: "\(item.label): \(format(item.value))")
            body += text(x + slot * 0.35, y - 4, format(item.value), anchor: "middle", size: 10)
            body += text(x + slot * 0.35, height - bottom + 14, item.label, anchor: "middle", size: 10)
        }
        return svg(height: height, body)
    }

    /// Horizontal bars, one per label, longest first as given.
    static func horizontalBars(_ items: [(label: String, value: Double)], format: (Double) -> String) -> String {
        guard !items.isEmpty else { return empty() }
        let row = 22.0, labelWidth = 170.0
        let height = Double(items.count) * row + 10
        let maxValue = max(items.map(\.value).max() ?? 0, 1e-9)
        var body = ""
        for (index, item) in items.enumerated() {
            let y = 5 + Double(index) * row
            let length = max(0, item.value) / maxValue * (width - labelWidth - 60)
            body += text(labelWidth - 6, y + 14, item.label, anchor: "end", size: 11)
            body += rect(labelWidth, y + 3, length, row - 6, palette[index % palette.count], title: "\(item.label): \(format(item.value))")
            body += text(labelWidth + length + 4, y + 14, format(item.value), anchor: "start", size: 10)
        }
        return svg(height: height, body)
    }

    /// Lines over shared x labels, each series with its name; `range` fixes the y axis.
    static func lines(
        labels: [String], series: [(name: String, values: [Double?])], range: ClosedRange<Double>? = nil, format: (Double) -> String
    ) -> String {
        let all = series.flatMap { $0.values.compactMap { $0 } }
        guard !labels.isEmpty, !all.isEmpty else { return empty() }
        let height = 240.0, top = 20.0, bottom = 50.0, left = 50.0, right = 20.0
        let low = range?.lowerBound ?? min(0, all.min() ?? 0)
        var high = range?.upperBound ?? (all.max() ?? 1)
        if high <= low { high = low + 1 }
        func x(_ index: Int) -> Double {
            labels.count == 1 ? (left + width - right) / 2 : left + Double(index) / Double(labels.count - 1) * (width - left - right)
        }
        func y(_ value: Double) -> Double { top + (high - value) / (high - low) * (height - top - bottom) }
        var body = ""
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            body += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(value))\" y2=\"\(y(value))\" stroke=\"#ddd\"/>"
            body += text(left - 4, y(value) + 3, format(value), anchor: "end", size: 9)
        }
        let step = max(1, labels.count / 8)
        for (index, label) in labels.enumerated() where index % step == 0 {
            body += text(x(index), height - bottom + 14, label, anchor: "middle", size: 9)
        }
        for (number, line) in series.enumerated() {
            let color = palette[number % palette.count]
            var path = ""
            for (index, value) in line.values.enumerated() {
                guard let value else { continue }
                path += (path.isEmpty ? "M" : "L") + "\(x(index)),\(y(value)) "
                body += "<circle class=\"mark\" cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"3\" fill=\"\(color)\"><title>\(escape("\(line.name) \(labels[index]): \(format(value))"))</title></circle>"
            }
            if !path.isEmpty { body += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>" }
            body += rect(left + Double(number) * 150, height - 18, 10, 10, color, title: line.name, mark: false)
            body += text(left + Double(number) * 150 + 14, height - 9, line.name, anchor: "start", size: 10)
        }
        return svg(height: height, body)
    }

    /// A heat map: rows × columns of percentages (nil cells blank), darker for higher.
    static func heatmap(rows: [String], columns: [String], cells: [[Double?]]) -> String {
        guard !rows.isEmpty, !columns.isEmpty else { return empty() }
        let labelWidth = 80.0, cell = min(36.0, (width - labelWidth) / Double(columns.count)), row = 18.0
        let height = Double(rows.count) * row + 24
        var body = ""
        for (index, column) in columns.enumerated() {
            body += text(labelWidth + Double(index) * cell + cell / 2, 12, column, anchor: "middle", size: 9)
        }
        for (r, label) in rows.enumerated() {
            let y = 18 + Double(r) * row
            body += text(labelWidth - 4, y + 12, label, anchor: "end", size: 9)
            for (c, value) in cells[r].enumerated() where c < columns.count {
                guard let value else { continue }
                let shade = max(0, min(1, value / 100))
                let color = "rgb(\(Int(235 - 188 * shade)),\(Int(243 - 134 * shade)),\(Int(251 - 70 * shade)))"
                body += rect(labelWidth + Double(c) * cell, y, cell - 1, row - 1, color, title: "\(label) +\(c): \(Int(value.rounded()))%")
                body += text(labelWidth + Double(c) * cell + cell / 2, y + 12, "\(Int(value.rounded()))", anchor: "middle", size: 8,
                             color: shade > 0.55 ? "#fff" : "#222")
            }
        }
        return svg(height: height, body)
    }

    /// Grouped bars: for each label, one bar per series.
    static func groupedBars(labels: [String], series: [(name: String, values: [Double?])], format: (Double) -> String) -> String {
        let all = series.flatMap { $0.values.compactMap { $0 } }
        guard !labels.isEmpty, !all.isEmpty else { return empty() }
        let height = 230.0, top = 20.0, bottom = 50.0, left = 10.0
        let maxValue = max(all.max() ?? 0, 1e-9)
        let slot = (width - left * 2) / Double(labels.count)
        let barWidth = slot * 0.8 / Double(series.count)
        var body = ""
        for (index, label) in labels.enumerated() {
            for (number, line) in series.enumerated() {
                guard let value = line.values[index] else { continue }
                let barHeight = max(0, value) / maxValue * (height - top - bottom)
                let x = left + Double(index) * slot + slot * 0.1 + Double(number) * barWidth
                let y = height - bottom - barHeight
                body += rect(x, y, barWidth * 0.9, barHeight, palette[number % palette.count], title: "\(label), \(line.name): \(format(value))")
                body += text(x + barWidth * 0.45, y - 3, format(value), anchor: "middle", size: 9)
            }
            body += text(left + Double(index) * slot + slot / 2, height - bottom + 14, label, anchor: "middle", size: 10)
        }
        for (number, line) in series.enumerated() {
            body += rect(left + Double(number) * 150, height - 18, 10, 10, palette[number % palette.count], title: line.name, mark: false)
            body += text(left + Double(number) * 150 + 14, height - 9, line.name, anchor: "start", size: 10)
        }
        return svg(height: height, body)
    }

    /// A panel saying there is nothing to draw (never counted as a chart with data).
    static func empty() -> String { "<p class=\"empty\">No data for this chart in the period.</p>" }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    private static func svg(height: Double, _ body: String) -> String {
        "<svg viewBox=\"0 0 \(Int(width)) \(Int(height.rounded(.up)))\" width=\"100%\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\(body)</svg>"
    }

    private static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ fill: String, title: String, mark: Bool = true) -> String {
        "<rect\(mark ? " class=\"mark\"" : "") x=\"\(round2(x))\" y=\"\(round2(y))\" width=\"\(round2(max(0, w)))\" height=\"\(round2(max(0, h)))\" fill=\"\(fill)\"><title>\(escape(title))</title></rect>"
    }

    private static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int, color: String = "#333") -> String {
        "<text x=\"\(round2(x))\" y=\"\(round2(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(color)\">\(escape(content))</text>"
    }

    private static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
