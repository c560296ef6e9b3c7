// Asks the browser for a passkey (navigator.credentials.create or .get, WebAuthn Level 3) with the options the
// server put on the form (data-options, JSON as Identity wrote it), then posts the browser's answer back in the
// form's Input.Credential field. Served from the provider's own origin: the pages' content policy allows
// script-src 'self' on the passkey pages only, and no inline script.
(function () {
    'use strict';

    var form = document.querySelector('form[data-passkey]');
    if (!form) {
        return;
    }

    var button = form.querySelector('[data-passkey-start]');
    var status = document.getElementById('passkey-status');
    var creating = form.getAttribute('data-passkey') === 'create';

    function say(text) {
        status.textContent = text;
    }

    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON || !PublicKeyCredential.parseRequestOptionsFromJSON) {
        say('This browser cannot use passkeys. Use an up-to-date browser, or sign in with your password.');
        return;
    }

    async function run() {
        button.disabled = true;
        say(creating ? 'Follow your browser\'s prompt to create the passkey.' : 'Follow your browser\'s prompt to use your passkey.');
        try {
            var options = JSON.parse(form.getAttribute('data-options'));
            var credential = creating
                ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
                : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
            if (!credential) {
                throw new Error('no credential');
            }

            form.querySelector('input[name="Input.Credential"]').value = JSON.stringify(credential);
            say(creating ? 'Saving the passkey…' : 'Signing in…');
            form.submit();
        } catch (error) {
            button.disabled = false;
            say(error && error.name === 'NotAllowedError'
                ? 'The passkey prompt was closed or timed out. Choose the button to try again.'
                : 'Your browser could not use a passkey here. Choose the button to try again.');
        }
    }

    // Only on the person's click: a prompt that opened by itself would surprise, and after a failure would loop.
    button.hidden = false;
    button.addEventListener('click', run);
}());
