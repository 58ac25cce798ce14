// Read an EPUB in foliate-js, the engine of the Foliate reader, in Debian's Chromium, as readers do:
// at phone and tablet sizes, at 100% to 200% font.  Usage:
//
//     node tools/reader/read.mjs BOOK.epub OUTDIR [LABEL ...]
//
// writes OUTDIR/reading.json (what was measured: overflowing text, note pop-ups and back links,
// links and where they land, page-list jumps for the page LABELs given, or all) and a screenshot of some pages at each size
// (OUTDIR/<size>-<font>-<n>.png).  tests/test_reading.py asserts on it.  Nothing here uses the
// network: the book and the engine are served from this machine.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import puppeteer from 'puppeteer-core'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const FOLIATE = path.join(HERE, 'node_modules', 'foliate-js')
const SIZES = { phone: [320, 640], 'phone-390': [390, 844], tablet: [820, 1180] }
const FONTS = [100, 150, 200]
const LINK_SAMPLE = 40 // one link in so many is followed (all are checked in place)
const SHOTS = ['OEBPS/text/T1-7.xhtml', 'OEBPS/text/chronology.xhtml', 'OEBPS/text/concordance.xhtml',
               'OEBPS/text/M-38.xhtml', 'OEBPS/text/A-1.xhtml#notes-A-1']
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.epub': 'application/epub+zip',
                '.svg': 'image/svg+xml', '.json': 'application/json' }

const [book, out, ...labels] = process.argv.slice(2)
if (!book || !out) {
    console.error('usage: node read.mjs BOOK.epub OUTDIR [PAGE-LABEL ...]')
    process.exit(2)
}
fs.mkdirSync(out, { recursive: true })

const files = { '/book.epub': path.resolve(book), '/harness.html': path.join(HERE, 'harness.html'),
                '/harness.js': path.join(HERE, 'harness.js') }
const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost').pathname
    const file = files[url] ?? (url.startsWith('/foliate/') ? path.join(FOLIATE, path.normalize(url.slice(9))) : null)
    if (!file || !file.startsWith(files[url] ? file : FOLIATE) || !fs.existsSync(file)) {
        response.writeHead(404).end()
        return
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(response)
})
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    protocolTimeout: 0, // a whole book is measured in one call
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
})
const report = { overflow: [], notes: [], links: [], pages: [], errors: [] }
try {
    for (const [size, [width, height]] of Object.entries(SIZES)) {
        for (const font of FONTS) {
            const page = await browser.newPage()
            page.on('pageerror', error => report.errors.push(`${size} ${font}%: ${error.message}`))
            await page.setViewport({ width, height })
            await page.goto(`${origin}/harness.html`)
            await page.waitForFunction(() => typeof globalThis.openBook === 'function')
            await page.evaluate((url, font) => globalThis.openBook(url, font), '/book.epub', font)
            for (const item of await page.evaluate(() => globalThis.overflowing()))
                report.overflow.push({ size, font, ...item })
            if (font === 100 && size !== 'tablet' || font === 200 && size === 'phone') {
                for (const item of await page.evaluate(() => globalThis.notes()))
                    report.notes.push({ size, font, ...item })
            }
            if (font === 100 && size === 'phone-390') {
                for (const item of await page.evaluate(every => globalThis.links(every), LINK_SAMPLE))
                    report.links.push({ size, font, ...item })
            }
            if (font === 100 && size === 'phone-390' || font === 200 && size === 'phone') {
                for (const item of await page.evaluate(labels => globalThis.pages(labels), labels.length ? labels : null))
                    report.pages.push({ size, font, ...item })
            }
            for (const [n, target] of SHOTS.entries()) {
                await page.evaluate(target => globalThis.show(target), target)
                await page.screenshot({ path: path.join(out, `${size}-${font}-${n}.png`) })
            }
            await page.close()
        }
    }
} finally {
    await browser.close()
    server.close()
}
fs.writeFileSync(path.join(out, 'reading.json'), JSON.stringify(report, null, 1))
console.log(`${report.overflow.length} overflowing, ${report.notes.length} notes tried, ` +
            `${report.links.length} links, ${report.pages.length} page jumps, ${report.errors.length} page errors`)
