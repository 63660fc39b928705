/** Small DOM helpers; the UI is plain elements, built once and updated in place. */

type Attributes = Record<string, string | number | boolean | undefined>;

/** Creates an element. Attributes set to false/undefined are left out; true sets "". */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/** A codicon glyph (decorative: the control around it carries the label). */
export function icon(name: string, extraClass = ''): HTMLElement {
  return el('span', { class: `codicon codicon-${name} ${extraClass}`.trim(), 'aria-hidden': 'true' });
}

/** Replaces the codicon class on an icon element made by icon(). */
export function setIcon(element: HTMLElement, name: string): void {
  for (const cls of [...element.classList]) {
    if (cls.startsWith('codicon-')) element.classList.remove(cls);
  }
  element.classList.add(`codicon-${name}`);
}

/** Sets textContent only when it changes (keeps layout and screen readers calm). */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export function setAttr(element: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

/** An icon button with an accessible name and a tooltip. */
export function iconButton(iconName: string, label: string, className = ''): HTMLButtonElement {
  const button = el('button', { type: 'button', class: `icon-button ${className}`.trim(), 'aria-label': label, title: label });
  button.append(icon(iconName));
  return button;
}

/** Shows `text` with the given [start, end) ranges wrapped in <span class="match">. */
export function setHighlightedText(element: HTMLElement, text: string, ranges: readonly (readonly [number, number])[]): void {
  if (ranges.length === 0) {
    if (element.childElementCount > 0) element.textContent = '';
    setText(element, text);
    return;
  }
  const parts: (Node | string)[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(el('span', { class: 'match' }, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  element.replaceChildren(...parts);
}
