// In the page: the EPUB opened in foliate-js's <foliate-view>, as the Foliate reader opens it
// (footnote asides hidden, note references popped up by its FootnoteHandler), and measured.
// read.mjs calls these functions through puppeteer; each returns plain data.
import '/foliate/view.js'
import { FootnoteHandler } from '/foliate/footnotes.js'

const OPS = 'http://www.idpf.org/2007/ops'
const WORDS = 8 // words read after a page-break marker

// The Foliate reader's own stylesheet for a book (footnote asides are shown only as pop-ups),
// with the reader's font size.
const readerCSS = percent => `
    @namespace epub "${OPS}";
    html { font-size: ${percent}% !important; }
    p, li, blockquote, dd { line-height: 1.4; hyphens: auto; widows: 2; }
    aside[epub|type~="endnote"], aside[epub|type~="footnote"],
    aside[epub|type~="note"], aside[epub|type~="rearnote"] { display: none; }
`

let view
const settle = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))

globalThis.openBook = async (url, percent) => {
    view = document.createElement('foliate-view')
    document.body.append(view)
    await view.open(url)
    view.renderer.setAttribute('flow', 'paginated')
    view.renderer.setStyles(readerCSS(percent))
    await view.goTo(0)
    return view.book.sections.map(section => section.id)
}

const contents = () => view.renderer.getContents()[0]

// Each section of the reading order in turn, shown: its index and its document.
async function* shown() {
    for (let index = 0; index < view.book.sections.length; index++) {
        if (view.book.sections[index].linear === 'no') continue
        await view.goTo(index)
        await settle()
        yield { index, doc: contents().doc }
    }
}

// Every element or line of text wider than the page's column, in each section of the spine.
globalThis.overflowing = async () => {
    const found = []
    for await (const { index, doc } of shown()) {
        const column = parseFloat(getComputedStyle(doc.documentElement).columnWidth)
        const wide = rects => Math.max(0, ...Array.from(rects, r => r.width))
        const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            let width
            if (node.nodeType === Node.TEXT_NODE) {
                if (!node.textContent.trim()) continue
                const range = doc.createRange()
                range.selectNodeContents(node)
                width = wide(range.getClientRects())
            } else width = wide(node.getClientRects())
            if (width > column + 1) {
                const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node
                found.push({ section: view.book.sections[index].id, tag: element.localName,
                             id: element.closest('[id]')?.id ?? '', width: Math.round(width),
                             column: Math.round(column), text: (node.textContent || '').trim().slice(0, 60) })
                walker.currentNode = node.nodeType === Node.TEXT_NODE ? node : lastDescendant(node)
            }
        }
    }
    return found
}

const lastDescendant = node => { while (node.lastChild) node = node.lastChild; return node }

const types = element => new Set((element.getAttributeNS(OPS, 'type') || '').split(/\s+/))
const roles = element => new Set((element.getAttribute('role') || '').split(/\s+/))
const text = node => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()

// For the first and last note reference of each section: what Foliate's pop-up shows, what the
// note says, the size of its tap target, and whether its note's back link brings the call back.
globalThis.notes = async () => {
    const handler = new FootnoteHandler()
    const popover = document.createElement('div') // where Foliate shows a note: a small box over the page
    popover.style.cssText = 'position: fixed; left: 5%; bottom: 5%; width: 90%; height: 40%; background: white'
    document.body.append(popover)
    handler.addEventListener('before-render', ({ detail }) => popover.replaceChildren(detail.view))
    const results = []
    for await (const { index, doc } of shown()) {
        const section = view.book.sections[index]
        const refs = Array.from(doc.querySelectorAll('a[href]'))
            .filter(a => types(a).has('noteref') || roles(a).has('doc-noteref'))
        for (const a of new Set([refs[0], refs[refs.length - 1]].filter(Boolean))) {
            const href = section.resolveHref(a.getAttribute('href'))
            const target = doc.getElementById(a.getAttribute('href').split('#')[1])
            const box = a.getBoundingClientRect()
            const popup = await new Promise(resolve => {
                const timer = setTimeout(() => resolve({ shown: '', type: null }), 10000)
                handler.addEventListener('render', ({ detail }) => {
                    // the pop-up's document, once the note's fragment is put in it
                    setTimeout(() => {
                        clearTimeout(timer)
                        const popped = detail.view.renderer.getContents()[0]?.doc
                        resolve({ shown: text(popped?.body), type: detail.type, hidden: detail.hidden })
                        detail.view.remove()
                    }, 50)
                }, { once: true })
                const event = new CustomEvent('link', { detail: { a, href }, cancelable: true })
                Promise.resolve(handler.handle(view.book, event)).catch(() => resolve({ shown: '', type: null }))
                if (!event.defaultPrevented) { clearTimeout(timer); resolve({ shown: '', type: null }) }
            })
            const back = target?.querySelector('a[role~="doc-backlink"], a[epub\\:type~="backlink"]')
                ?? target?.querySelector('a[href^="#"]')
            let returns = null
            if (back && target.ownerDocument.defaultView.getComputedStyle(target).display !== 'none') {
                await view.goTo(section.resolveHref(back.getAttribute('href')))
                await settle()
                const call = contents().doc.getElementById(back.getAttribute('href').slice(1))
                returns = !!call && !!view.lastLocation?.range?.intersectsNode(call)
                await view.goTo(index)
                await settle()
            }
            results.push({ section: section.id, call: text(a), id: target?.id ?? '',
                           note: text(target).replace(/^\S+\s*/, ''), ...popup,
                           width: box.width, height: box.height, back: !!back, returns })
        }
    }
    popover.remove()
    return results
}

// For each page of the print edition in the page list: where the reader goes, and the words after
// the marker there.
globalThis.pages = async labels => {
    const results = []
    for (const item of view.book.pageList ?? []) {
        if (labels && !labels.includes(item.label)) continue
        await view.goTo(item.href)
        await settle()
        const id = item.href.split('#')[1]
        const { doc } = contents()
        const marker = doc.getElementById(id)
        let words = ''
        if (marker) {
            const range = doc.createRange()
            range.setStartAfter(marker)
            // the text's words only: a page that begins at a chapter's end begins in the next file
            const notes = doc.querySelector('section[role~="doc-endnotes"]')
            if (notes && marker.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING)
                range.setEndBefore(notes)
            else range.setEndAfter(doc.body.lastChild)
            words = text(range.cloneContents()).split(' ').slice(0, WORDS).join(' ')
        }
        const visible = !!marker && !!view.lastLocation?.range?.intersectsNode(marker)
        // a page with no text of its own (a blank verso, the contents) stands before the next one
        const next = marker?.nextSibling
        const stacked = !!next && (next.nodeType === Node.ELEMENT_NODE ? roles(next).has('doc-pagebreak')
            : !next.textContent.trim() && next.nextElementSibling && roles(next.nextElementSibling).has('doc-pagebreak'))
        results.push({ label: item.label, href: item.href, found: !!marker, visible, stacked, words })
    }
    return results
}

// Every link of the back matter (indices, chronology, concordance) and of the cross-references in
// the text: whether its target is in the book and not in a part the reader hides; for one link in
// `every`, whether going there shows the target.
globalThis.links = async every => {
    const results = []
    const documents = new Map()
    const documentOf = async index => {
        if (!documents.has(index)) documents.set(index, await view.book.sections[index].createDocument())
        return documents.get(index)
    }
    let count = 0
    for (let index = 0; index < view.book.sections.length; index++) {
        const section = view.book.sections[index]
        const doc = await documentOf(index)
        const anchors = Array.from(doc.querySelectorAll('a[href]')).filter(a =>
            !a.getAttribute('href').includes('://') && !types(a).has('noteref') && !roles(a).has('doc-noteref')
            && !roles(a).has('doc-backlink'))
        for (const a of anchors) {
            const href = section.resolveHref(a.getAttribute('href'))
            const { index: at, anchor } = view.book.resolveHref(href) ?? {}
            if (at == null || at < 0) { results.push({ section: section.id, href, found: false }); continue }
            const there = await documentOf(at)
            const target = href.includes('#') ? anchor(there) : there.body
            const hidden = !!target?.closest?.('aside, [hidden]')
            let shown = null
            if (target && !hidden && count++ % every === 0) {
                await view.goTo(href)
                await settle()
                const live = target.id ? contents().doc.getElementById(target.id) : contents().doc.body
                shown = !!live && !!view.lastLocation?.range?.intersectsNode(live)
            }
            results.push({ section: section.id, href, text: text(a), found: !!target, hidden, shown })
        }
    }
    return results
}

globalThis.show = async target => { await view.goTo(target); await settle() }
