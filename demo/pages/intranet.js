// The intranet's own custom element, and its log of the widget's analytics events.
customElements.define('intranet-banner', class extends HTMLElement {});
document.addEventListener('aiguillage:orientation', (event) => {
  const item = document.createElement('li');
  const { need, commune, actors } = event.detail;
  item.textContent = `orientation ${need} ${commune}: ${actors.length} lieux (${actors.join(', ')})`;
  document.getElementById('event-log')?.append(item);
});
