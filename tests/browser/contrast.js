// WCAG contrast ratios of everything the stepper draws, against what it is drawn on.
// Colours with alpha (the dark theme's line colours) are blended over the page first.
([stepper]) => {
  const probe = document.createElement('div');
  probe.style.background = 'var(--jp-layout-color0)';
  document.body.appendChild(probe);
  const page = getComputedStyle(probe).backgroundColor;
  probe.remove();
  const rgba = (c) => {
    const v = c.match(/[\d.]+/g).map(Number);
    return v.length === 3 ? [...v, 1] : v;
  };
  const over = (c, base) => {
    const [r, g, b, a] = rgba(c);
    const [R, G, B] = rgba(base);
    return [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
  };
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = (rgb) => 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  const ratio = (fg, bg) => {
    const under = over(bg, page);
    const a = lum(over(fg, `rgb(${under.join(',')})`));
    const b = lum(under);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const css = (el, prop) => getComputedStyle(el)[prop];
  const root = document.querySelector(stepper);
  const out = { text_on_boxes: [], lines_on_page: [], label_text: [], border_on_page: [],
                details: [] };
  for (const g of root.querySelectorAll('.ak-node:not(.ak-freed)')) {
    const rect = g.querySelector('rect');
    out.text_on_boxes.push(ratio(css(g.querySelector('text'), 'fill'), css(rect, 'fill')));
    if (g.classList.contains('ak-active') || g.classList.contains('ak-done')) {
      out.border_on_page.push(ratio(css(rect, 'stroke'), page));
    }
  }
  for (const p of root.querySelectorAll('.ak-edge path')) {
    out.lines_on_page.push(ratio(css(p, 'stroke'), page));
  }
  for (const g of root.querySelectorAll('.ak-edge-label')) {
    out.label_text.push(ratio(css(g.querySelector('text'), 'fill'),
                              css(g.querySelector('rect'), 'fill')));
  }
  for (const el of root.querySelectorAll('.ak-step-text, .ak-leaf-grad, .widget-button')) {
    const bg = css(el, 'backgroundColor');
    out.details.push(ratio(css(el, 'color'), bg === 'rgba(0, 0, 0, 0)' ? page : bg));
  }
  out.dark = document.body.dataset.jpThemeLight === 'false';
  return out;
}
