"""A one-page dashboard: providers, live calls, the event stream and (strict mode) the
requests flagged for breaking the documented format."""

DASHBOARD_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>telsim</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}table{border-collapse:collapse;margin-bottom:1em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
.flag{color:#b00}#log{font:12px monospace;white-space:pre-wrap;max-height:40em;overflow:auto;background:#f6f6f6;padding:.5em}
form input{width:9em}
</style></head><body>
<h1>telsim &mdash; telephony provider simulator</h1>
<p id="clock"></p>
<h2>Providers</h2><table id="providers"><tr><th>slug (state)</th><th>base URL</th><th>hosts</th></tr></table>
<h2>Place a call</h2>
<form id="call">provider <select name="provider" id="provsel"></select>
from <input name="from" value="+79161234567"> to <input name="to">
<button>call</button> <button type="button" id="adv">advance 10 s</button> <button type="button" id="reset">reset</button></form>
<h2>Live calls</h2><table id="calls"><tr><th>id</th><th>provider</th><th>from</th><th>to</th><th>state</th></tr></table>
<h2>Flagged requests</h2><p><a href="/_sim/journal?flagged=1"><span id="flagged">0</span> flagged</a>
(strict mode: <code>telsim serve --strict</code> or the world's <code>conformance.strict</code>)</p>
<h2>Events</h2><div id="log"></div>
<script>
const $=s=>document.querySelector(s);
async function j(u,o){const r=await fetch(u,o);return r.json()}
async function refresh(){
  const c=await j('/_sim/clock');$('#clock').textContent=`clock: ${c.now} (${c.mode}, x${c.speed})`;
  const calls=await j('/_sim/calls');const t=$('#calls');t.querySelectorAll('tr.c').forEach(e=>e.remove());
  for(const k of calls){const tr=document.createElement('tr');tr.className='c';
    for(const v of [k.id,k.provider,k.from,k.to,k.state]){const td=document.createElement('td');td.textContent=v;tr.appendChild(td)}t.appendChild(tr)}
}
(async()=>{
  for(const p of await j('/_sim/providers')){const tr=document.createElement('tr');
    const a=document.createElement('a');a.href='/_sim/providers/'+p.slug;a.textContent=p.slug;a.title='live state (counters, subscriptions...)';
    const first=document.createElement('td');first.appendChild(a);tr.appendChild(first);
    for(const v of [p.base_url,p.hosts.join(', ')]){const td=document.createElement('td');td.textContent=v;tr.appendChild(td)}
    $('#providers').appendChild(tr);const o=document.createElement('option');o.textContent=p.slug;$('#provsel').appendChild(o)}
  $('#flagged').textContent=String((await j('/_sim/journal?flagged=1')).length);
  refresh();setInterval(refresh,2000);
})();
$('#call').onsubmit=async e=>{e.preventDefault();const f=new FormData(e.target);
  await fetch('/_sim/calls',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(Object.fromEntries(f))});refresh()};
$('#adv').onclick=async()=>{await fetch('/_sim/clock',{method:'POST',headers:{'Content-Type':'application/json'},body:'{"advance":10}'});refresh()};
$('#reset').onclick=async()=>{await fetch('/_sim/reset',{method:'POST'});refresh()};
const es=new EventSource('/_sim/events');
for(const kind of ['engine','journal'])es.addEventListener(kind,e=>{const d=JSON.parse(e.data);const line=document.createElement('div');
  line.textContent=kind==='engine'?`${d.type} ${d.provider||''} ${d.call_id||''} ${d.leg_id||''}`:`${d.direction} ${d.provider||''} ${d.method||''} ${d.path||d.url||''} ${d.status??d.error??''}`;
  if(d.flags&&d.flags.length){line.className='flag';line.textContent+=` flagged: ${d.flags.map(f=>f.rule+' '+f.where).join('; ')}`;
    $('#flagged').textContent=String(Number($('#flagged').textContent)+1)}
  $('#log').prepend(line)});
</script></body></html>
"""
