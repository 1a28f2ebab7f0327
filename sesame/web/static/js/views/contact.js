// "Contact the supplier": opens (or finds) the buyer's conversation, then shows it.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { go } from '../router.js';
import { can, me } from '../session.js';
import { onTap } from '../ui.js';

export function contactButton(supplierId, productId = null) {
  if (me() === null) {
    return h('a', { class: 'button', href: '#/account' }, t('contact.sign_in'));
  }
  if (!can.buy()) return null;
  return onTap(h('button', { type: 'button', class: 'contact' }, t('contact.button')), async () => {
    const conversation = await api('/v1/conversations', {
      method: 'POST', json: { supplier_id: supplierId, product_id: productId },
    });
    go(`chat/${conversation.id}`);
  });
}
