/** What `npm start` prints once everything is ready: where it runs, the keys, what to try. */

/**
 * @param {object} facts
 * @param {string} facts.url                 the gateway
 * @param {import('./servers.mjs').RunningServer[]} facts.servers
 * @param {import('./dev-keys.mjs').ResolvedKeys} facts.keys
 * @param {string[]} facts.services
 * @returns {string}
 */
export function renderBanner({ url, servers, keys, services }) {
  const lines = [
    '',
    `Crux is running at ${url}  (services: ${services.join(', ')})`,
    `  ops console  ${url}/console  (sign in with an API key below)`,
  ];
  for (const server of servers) {
    lines.push(
      `  ${server.name.padEnd(5)}  ${server.url}${server.started ? '  (started by npm start; stops with it)' : '  (already running)'}`,
    );
  }
  lines.push('');
  const urlPrefix = url === 'http://127.0.0.1:8000' ? '' : `CRUX_URL=${url} `;
  if (keys.source === 'env') {
    lines.push('API keys: the ones in CRUX_API_KEYS.', '', 'Try:');
    lines.push(`  CRUX_API_KEY=<a submitter key> ${urlPrefix}npx crux submit "What is the sum of the first 100 odd numbers?" --watch`);
    lines.push(`  CRUX_API_KEY=<an operator key> ${urlPrefix}npx crux jobs --all`);
  } else {
    const how = keys.source === 'created' ? 'created now' : 'reused';
    lines.push(`Development API keys (${how}; kept in ${keys.file}):`);
    const width = Math.max(...keys.keys.map((key) => key.name.length));
    for (const key of keys.keys) lines.push(`  ${key.name.padEnd(width)}  ${key.role.padEnd(9)}  ${key.secret}`);
    const operator = keys.keys.find((key) => key.role === 'operator');
    lines.push('', 'Try (crux uses the dev-submitter key when CRUX_API_KEY is unset):');
    lines.push(`  ${urlPrefix}npx crux submit "What is the sum of the first 100 odd numbers?" --watch`);
    if (operator) lines.push(`  CRUX_API_KEY=${operator.secret} ${urlPrefix}npx crux jobs --all`);
  }
  lines.push('', 'Ctrl-C stops everything.', '');
  return lines.join('\n');
}
