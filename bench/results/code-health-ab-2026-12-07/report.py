import json, glob, statistics as st, os
D='/work/exp/ab21'
def load(kind, side):
    out=[]
    for f in sorted(glob.glob(f'{D}/{kind}-{side}-*.json')):
        if os.path.getsize(f)==0: continue
        out.append(json.load(open(f)))
    return out
ko, kn = load('kernels','old'), load('kernels','new')
print(f'kernels --quick: {len(ko)} old / {len(kn)} new runs; median over runs of each case\'s cpuMsPerRun (adapter CPU) and medianMs (wall)')
rows=[]
for r in ko[0]['results']:
    key=(r['kernel'], r['shape'])
    def vals(runs, field):
        v=[x[field] for run in runs for x in run['results'] if (x['kernel'],x['shape'])==key and x.get(field) is not None]
        return v
    co, cn = vals(ko,'cpuMsPerRun'), vals(kn,'cpuMsPerRun')
    wo, wn = vals(ko,'medianMs'), vals(kn,'medianMs')
    eo, en = vals(ko,'maxAbsError'), vals(kn,'maxAbsError')
    if not co or not cn: continue
    ratio = st.median(cn)/st.median(co)
    rows.append(ratio)
    print(f'  {key[0]:<16} {key[1]:<28} cpu new/old {ratio:5.2f}  wall {st.median(wn)/st.median(wo):5.2f}  err {max(eo):.2e} -> {max(en):.2e}')
print(f'  geometric-ish median of cpu ratios: {st.median(rows):.3f} (min {min(rows):.2f}, max {max(rows):.2f}, n {len(rows)})')
ro, rn = load('ring','old'), load('ring','new')
for name, runs in (('old', ro), ('new', rn)):
    print(f'ring T=2048 R=4 {name}: fwd cpu medians', [round(x['ring']['forwardCpu']['medianMs']) for x in runs], 'bwd wall', [round(x['ring']['backward']['medianMs']) for x in runs], 'err dv', [f"{x['error']['vsSingleDevice']['dv']['maxAbsError']:.2e}" for x in runs])
to, tn = load('train','old'), load('train','new')
for name, runs in (('old', to), ('new', tn)):
    print(f'train --quick {name}: step ms medians', [round(x['stepMs']['median']) for x in runs], 'loss', [round(x['loss']['train'],6) for x in runs], 'tokens/s', [round(x['tokensPerSecond']) for x in runs])
