// Invoices (issue 20): the order page links to the order's PDF invoice,
// which answers as a PDF (the text of the PDF is checked by the
// integration tests, server/tests/it/invoices.rs).
import { expect, test } from '@playwright/test';
import {
  fillCheckout,
  ORDER_URL,
  productCard,
  cartCount,
  submitCheckout,
  validCustomer,
  visit,
} from './support';

test('the order page links to its invoice, a PDF', async ({ page, request }) => {
  await visit(page, '/');
  await productCard(page, 'Espressobonen Amsterdam').getByRole('button', { name: 'In winkelwagen' }).click();
  await expect(cartCount(page)).toHaveText('1');
  await visit(page, '/checkout');
  await fillCheckout(page, validCustomer);
  await submitCheckout(page);
  await expect(page).toHaveURL(ORDER_URL, { timeout: 15_000 });
  const token = page.url().match(ORDER_URL)![1];

  const link = page.locator('.invoice-link a');
  await expect(link).toHaveText('Factuur (pdf)');
  await expect(link).toHaveAttribute('href', `/orders/${token}/invoice.pdf`);
  const res = await request.get(`/orders/${token}/invoice.pdf`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  expect((await res.body()).subarray(0, 5).toString()).toBe('%PDF-');

  const unknown = await request.get('/orders/00000000000000000000000000000000/invoice.pdf');
  expect(unknown.status()).toBe(404);
});
