// Progressive enhancement only: every form works without this file.
// Adds drag-and-drop onto the file field and an upload progress message.
(function () {
  var drop = document.querySelector('[data-drop]');
  if (!drop || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = drop.querySelector('input[type=file]');
  var form = drop.form || drop.parentNode;
  while (form && form.tagName !== 'FORM') { form = form.parentNode; }
  var progress = form && form.querySelector('[data-progress]');
  ['dragenter', 'dragover'].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.className = 'drop over'; });
  });
  ['dragleave', 'drop'].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.className = 'drop'; });
  });
  drop.addEventListener('drop', function (e) {
    if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
  });
  if (!form || !progress) { return; }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.onprogress = function (p) {
      if (p.lengthComputable) { progress.textContent = Math.round(p.loaded * 100 / p.total) + '%'; }
    };
    xhr.onload = function () {
      if (xhr.responseURL) { window.location.href = xhr.responseURL; } else { document.open(); document.write(xhr.responseText); document.close(); }
    };
    xhr.onerror = function () { progress.textContent = 'エラー / error'; };
    xhr.send(new FormData(form));
  });
})();
