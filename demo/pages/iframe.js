// The few lines the configurator's iframe snippet includes, in a file of their own under this
// page's strict CSP: the iframe takes the height the widget's page tells.
addEventListener('message', (event) => {
  if (event.origin !== location.origin || event.data?.aiguillage !== 'height') return;
  for (const frame of document.querySelectorAll('iframe[src^="/widget/embed.html"]')) {
    if (frame.contentWindow === event.source) frame.height = event.data.height;
  }
});
