/**
 * A small XML reader for test reports (JUnit): elements, attributes, text,
 * CDATA, comments, processing instructions and a DOCTYPE without an internal
 * subset. Entities: the five predefined ones and numeric references. No
 * namespaces or validation; malformed input throws XmlError.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), entities decoded. */
  text: string;
}

export class XmlError extends Error {}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;

export function parseXml(source: string): XmlElement {
  const top: XmlElement = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlElement[] = [top];
  let at = 0;
  while (at < source.length) {
    const current = stack.at(-1) ?? top;
    const lt = source.indexOf("<", at);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > at && current !== top) current.text += decodeEntities(source.slice(at, textEnd));
    if (lt === -1) break;
    if (source.startsWith("<?", lt)) at = skipPast(source, lt, "?>");
    else if (source.startsWith("<!--", lt)) at = skipPast(source, lt, "-->");
    else if (source.startsWith("<![CDATA[", lt)) {
      const end = source.indexOf("]]>", lt);
      if (end === -1) throw new XmlError("unterminated CDATA section");
      current.text += source.slice(lt + 9, end);
      at = end + 3;
    } else if (source.startsWith("<!", lt)) at = skipPast(source, lt, ">");
    else if (source.startsWith("</", lt)) {
      const name = readName(source, lt + 2);
      const end = source.indexOf(">", lt);
      if (end === -1 || source.slice(lt + 2 + name.length, end).trim() !== "") throw new XmlError("bad end tag");
      if (current === top || current.name !== name) throw new XmlError(`unexpected </${name}>`);
      stack.pop();
      at = end + 1;
    } else {
      const { element, selfClosing, next } = readStartTag(source, lt);
      current.children.push(element);
      if (!selfClosing) stack.push(element);
      at = next;
    }
  }
  if (stack.length !== 1) throw new XmlError(`unclosed <${stack.at(-1)?.name}>`);
  const [root, ...rest] = top.children;
  if (root === undefined || rest.length > 0) throw new XmlError("expected exactly one root element");
  return root;
}

/** Every descendant named `name`, in document order. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) found.push(child);
    found.push(...descendants(child, name));
  }
  return found;
}

function readStartTag(source: string, lt: number): { element: XmlElement; selfClosing: boolean; next: number } {
  const name = readName(source, lt + 1);
  const attributes: Record<string, string> = {};
  let at = lt + 1 + name.length;
  for (;;) {
    ATTRIBUTE.lastIndex = at;
    const match = ATTRIBUTE.exec(source);
    if (match === null) break;
    const [whole, key = "", double, single] = match;
    if (Object.hasOwn(attributes, key)) throw new XmlError(`duplicate attribute ${key}`);
    attributes[key] = decodeAttribute(double ?? single ?? "");
    at += whole.length;
  }
  TAG_END.lastIndex = at;
  const end = TAG_END.exec(source);
  if (end === null) throw new XmlError(`malformed <${name}> tag`);
  return {
    element: { name, attributes, children: [], text: "" },
    selfClosing: end[1] === "/",
    next: at + end[0].length,
  };
}

function readName(source: string, at: number): string {
  NAME.lastIndex = at;
  const match = NAME.exec(source);
  if (match === null) throw new XmlError(`expected a name at offset ${at}`);
  return match[0];
}

function skipPast(source: string, from: number, marker: string): number {
  const end = source.indexOf(marker, from);
  if (end === -1) throw new XmlError(`unterminated markup (expected '${marker}')`);
  return end + marker.length;
}

/** Attribute values: literal whitespace becomes a space (XML normalization), then entities. */
function decodeAttribute(raw: string): string {
  return decodeEntities(raw.replace(/[\t\n\r]/g, " "));
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith("#")) {
      const code = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[body] ?? whole;
  });
}
