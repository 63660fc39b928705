/**
 * The webview's HTML shell. The page is static: the script builds the UI and asks for the
 * state with `ready`. Everything it loads comes from dist/webview through the webview's
 * resource scheme, so the CSP can forbid all else. No VS Code imports (unit-testable).
 */
export interface PanelHtmlInput {
  /** webview.cspSource */
  readonly cspSource: string;
  readonly nonce: string;
  /** webview.asWebviewUri(...) of dist/webview/main.js, styles.css and codicons/codicon.css */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderPanelHtml(input: PanelHtmlInput): string {
  const attr = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, input.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attr(input.codiconUri)}" id="vscode-codicon-stylesheet">
  <link rel="stylesheet" href="${attr(input.styleUri)}">
  <title>Playhead</title>
</head>
<body>
  <main id="app" aria-label="Playhead player"></main>
  <script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
