"""The player page's HTML and script (``viz.player_page`` fills them in).

The page holds the first step's SVG; the script rebuilds step k's SVG from the step before it
and the lines that change, shows it, and writes the step's caption under it, keeping its line
breaks. The picture is scaled to the page's width but never so far that its smallest text is
under 12 px: a wider graph scrolls sideways instead.
"""

SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById("player-data").textContent);
  const stage = document.getElementById("stage");
  const slider = document.getElementById("slider");
  const caption = document.getElementById("caption");
  const chapter = document.getElementById("chapter");
  const position = document.getElementById("position");
  const playButton = document.getElementById("play");
  const count = data.texts.length;
  const lines = [data.first.split("\\n")];
  let current = 0, timer = null;
  function svgLines(k) {
    for (let i = lines.length; i <= k; i++) {
      const next = lines[i - 1].slice();
      const changes = data.changes[i - 1];
      for (let c = changes.length - 1; c >= 0; c--) {
        const [start, end, added] = changes[c];
        next.splice(start, end - start, ...added);
      }
      lines.push(next);
    }
    return lines[k];
  }
  function fit() {
    const svg = stage.querySelector("svg");
    if (!svg) return;
    const natural = svg.width.baseVal.value;  // px
    const box = svg.viewBox.baseVal;
    const perUnit = box && box.width ? natural / box.width : 1;
    // The smallest text of every step (not only this one's), so the scale is the same at
    // every step and nothing moves.
    const smallest = data.smallest > 0 ? data.smallest * perUnit : Infinity;
    const least = smallest === Infinity ? 0 : 12.2 / smallest;  // 12 px, rounding aside
    const scale = Math.min(1, Math.max(least, stage.clientWidth / natural));
    svg.style.maxWidth = "none";
    svg.style.width = natural * scale + "px";
    svg.style.height = "auto";
  }
  function show(k) {
    current = Math.max(0, Math.min(count - 1, k));
    stage.innerHTML = svgLines(current).join("\\n");
    fit();
    slider.value = current;
    caption.textContent = data.texts[current];
    chapter.textContent = data.chapters[current];
    position.textContent = data.positions[current];
  }
  function pause() { clearInterval(timer); timer = null; playButton.textContent = "play"; }
  function play() {
    if (current === count - 1) show(0);
    playButton.textContent = "pause";
    const advance = () => (current === count - 1 ? pause() : show(current + 1));
    timer = setInterval(advance, 1200);
  }
  document.getElementById("prev").onclick = () => { pause(); show(current - 1); };
  document.getElementById("next").onclick = () => { pause(); show(current + 1); };
  playButton.onclick = () => (timer ? pause() : play());
  slider.oninput = () => { pause(); show(Number(slider.value)); };
  document.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") { pause(); show(current + 1); }
    else if (event.key === "ArrowLeft") { pause(); show(current - 1); }
    else if (event.key === " ") { event.preventDefault(); timer ? pause() : play(); }
    else return;
  });
  window.addEventListener("resize", fit);
  show(0);
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
html {{ overflow-y: scroll; }}  /* the scroll bar's room always kept: the width never changes */
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }}
#controls {{ display: flex; gap: 0.5em; align-items: center; margin: 0.5em 0;
  flex-wrap: wrap; }}
#controls button {{ font-size: 1em; padding: 0.3em 0.9em; }}
#slider {{ flex: 1; min-width: 8em; }}
#chapter {{ font-weight: bold; }}
#position {{ color: #555; }}
#caption {{ font-size: 1.2em; line-height: 1.4; min-height: 2.8em; white-space: pre-line;
  overflow-wrap: anywhere; margin: 0.5em 0; }}
h1 {{ overflow-wrap: anywhere; font-size: 1.5em; margin: 0.3em 0; }}
#stage {{ margin: 0; overflow-x: auto; }}
#stage svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1 title="{full_title}">{title}</h1>
<div id="controls">
<button id="prev" title="previous step (left arrow)">previous</button>
<button id="play" title="play or pause (space)">play</button>
<button id="next" title="next step (right arrow)">next</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="chapter">{chapter}</span> <span id="position">{position}</span>
</div>
<figure id="stage">
{first}
</figure>
<p id="caption">{caption}</p>
<script type="application/json" id="player-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
