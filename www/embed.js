// embed.js: sizes storychart iframes on a host page (any CMS). Include it once:
//
//   <iframe data-storychart src="https://your.cdn/storychart/embed.html?spec=specs/chart.vl.json"
//     title="Chart title" style="width: 100%; border: 0" scrolling="no"></iframe>
//   <script src="https://your.cdn/storychart/embed.js" defer></script>
//
// It listens for the height messages embed.html posts (Datawrapper, Pym.js, AMP and Guardian
// formats; any of them) and sets the height of the iframe that sent it. Only iframes marked
// with `data-storychart` are sized. A classic script, no dependencies, no inline code needed.
(function () {
  'use strict';
  if (window.storychartEmbed) return;

  /** The height in a message of any of the four protocols, or NaN. */
  function heightOf(data) {
    if (typeof data === 'string') {
      var parts = data.split('xPYMx');
      if (parts.length === 4 && parts[0] === 'pym' && parts[2] === 'height') return Number(parts[3]);
      if (data.charAt(0) === '{') {
        try { return heightOf(JSON.parse(data)); } catch (e) { return NaN; }
      }
      return NaN;
    }
    if (!data || typeof data !== 'object') return NaN;
    if (data.sentinel === 'amp' && data.type === 'embed-size') return Number(data.height);
    if (data.kind === 'interactive:height') return Number(data.height);
    var dw = data['datawrapper-height'];
    if (dw && typeof dw === 'object') {
      for (var k in dw) if (Object.prototype.hasOwnProperty.call(dw, k)) return Number(dw[k]);
    }
    return NaN;
  }

  function frameOf(source) {
    var frames = document.querySelectorAll('iframe[data-storychart]');
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === source) return frames[i];
    return null;
  }

  window.addEventListener('message', function (event) {
    var height = heightOf(event.data);
    if (!(height > 0 && height < 100000)) return;
    var frame = frameOf(event.source);
    if (!frame) return;
    var px = Math.ceil(height) + 'px';
    if (frame.style.height !== px) {
      frame.style.height = px;
      frame.dispatchEvent(new CustomEvent('storychart:height', { detail: { height: Math.ceil(height) } }));
    }
  });

  window.storychartEmbed = { heightOf: heightOf };
})();
