// The import map sends the bare specifier 'wabt' here. wabt's npm build is a classic (UMD) script, not an
// ES module: run it once as a script and export the factory it defines (the same default export Node sees).
if (!globalThis.WabtModule) {
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/wabt/index.js';
    script.onload = resolve;
    script.onerror = () => reject(new Error('cannot load /node_modules/wabt/index.js'));
    document.head.append(script);
  });
}

export default globalThis.WabtModule;
