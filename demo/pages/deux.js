// Adds a widget after load, as a single-page application would.
window.setTimeout(() => {
  const widget = document.createElement('aiguillage-orientation');
  widget.id = 'ajoute';
  widget.setAttribute('lang', 'fr-falc');
  widget.setAttribute('label', 'Widget ajouté après chargement (FALC)');
  document.getElementById('later').append(widget);
}, 300);
